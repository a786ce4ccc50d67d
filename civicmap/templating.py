"""What every template can use: site settings, the vocabulary, item URLs, ARIA helpers and
the area's extent for maps."""

from __future__ import annotations

from flask import current_app, g, request, url_for
from flask_babel import get_locale
from markupsafe import Markup

from civicmap import clock, i18n
from civicmap.extensions import db
from civicmap.geo import distance_label
from civicmap.initiatives import page as item_page
from civicmap.initiatives.urls import item_url
from civicmap.models import vocabulary
from civicmap.notifications.wording import note_link, note_text
from civicmap.pagecache import keep_section, personal, section
from civicmap.services import skills
from civicmap.services.responses import as_shown


def context_processor() -> dict:
    return {
        "item_url": item_url,
        "note_text": note_text,
        "note_link": note_link,
        "local_time": clock.local_time,
        "distance_label": distance_label,
        "long_date": clock.long_date,
        "short_date": clock.short_date,
        "short_time": clock.short_time,
        "short_clock": clock.short_clock,
        "responses_shown": as_shown,
        "item_url_patterns": item_url_patterns,
        "area_bounds": area_bounds,
        "unread_notifications": unread_notifications,
        "is_following": is_following,
        "personal": personal,
        "keep_section": keep_section,
        "section": section,
        "skill_suggestions": lambda: skills.suggestions(db.session),
        "field_aria": field_aria,
        "get_locale": get_locale,
        "current_language": lambda: str(get_locale()),
        "language_tag": lambda: i18n.tag_of(get_locale()),
        "languages": i18n.LANGUAGES,
        "language_tags": i18n.TAGS,
        "item_languages": i18n.ITEM_LANGUAGES,
        "lang_of": lang_of,
        "page_in": page_in,
        "site_name": current_app.config["SITE_NAME"],
        "area_name": current_app.config["AREA_NAME"],
        "boundary_attribution": current_app.config["BOUNDARY_ATTRIBUTION"],
        "vocabulary": vocabulary,
        **item_page.helpers(),
    }


def field_aria(field) -> dict[str, str]:
    """ARIA attributes tying a control to its hint and error (only those that apply)."""
    described = [
        f"{field.id}-{part}"
        for part, on in (("hint", field.description), ("error", field.errors))
        if on
    ]
    attrs = {"aria-describedby": " ".join(described)} if described else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return attrs


def item_url_patterns() -> dict[str, str]:
    """Each kind's page URL with "{id}" for the id, for the map's JavaScript (from the routes,
    so the script knows no paths of its own)."""
    patterns = {
        kind: url_for("initiatives.show", plural=plural, item_id=1)
        for kind, plural in vocabulary.PLURALS.items()
        if kind in vocabulary.KINDS
    }
    patterns["proposal"] = url_for("engagement.goto_proposal", proposal_id=1)
    return {kind: url.removesuffix("/1") + "/{id}" for kind, url in patterns.items()}


def area_bounds() -> list[float]:
    """[west, south, east, north] of the imported area (all wards), where maps start."""
    from civicmap.services.areas import extent

    return extent(db.session)


def unread_notifications() -> int:
    """For the header's count: asked only on pages of a logged-in person."""
    from flask_login import current_user

    from civicmap.services.notifications import unread_count

    if "unread_notifications" in g:  # read with the account (civicmap/pagecache.py)
        return g.unread_notifications
    return unread_count(db.session, current_user.id)


def is_following(kind: str, target_id: int) -> bool:
    from flask_login import current_user

    from civicmap.services.notifications import follows

    if kind == "ward" and "followed_wards" in g:  # read with the account (civicmap/pagecache.py)
        return target_id in g.followed_wards
    return follows(db.session, current_user, kind, target_id)


def lang_of(item) -> Markup:
    """' lang="pt"' for the text of an item its author said is in Portuguese; nothing if unsaid."""
    if not getattr(item, "language", None):
        return Markup("")
    return Markup(' lang="{}"').format(item.language)


def page_in(tag: str) -> str:
    """This page's address in another language (its hreflang alternate)."""
    args = request.args.to_dict() | (request.view_args or {}) | {"lang": tag}
    return url_for(request.endpoint, **args, _external=True)
