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
from civicmap.pagecache import keep_section, part_key, personal, section
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
        "follows_here": follows_here,
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


# What each of the smallest and most repeated personal parts shows of its reader (see
# pagecache.part_key): each key says everything its template reads of current_user.


@part_key("_account_links.html")
def _account_links_key(_context: dict) -> tuple:
    from flask_login import current_user

    if not current_user.is_authenticated:
        return (False,)
    return (True, current_user.is_moderator, current_user.is_officer, unread_notifications())


@part_key("_report_link.html")
def _report_link_key(context: dict) -> bool:
    from flask_login import current_user

    return current_user.is_authenticated and current_user.id != context["author_id"]


@part_key("_follow.html")
def _follow_key(context: dict) -> tuple:
    from flask_login import current_user

    if not current_user.is_authenticated:
        return (False,)
    return (
        True,
        follows_here(context["kind"], context["id"], context["item"], context["proposal_ids"]),
    )


@part_key("areas/_organise_event.html")
@part_key("initiatives/_organise.html")
def _logged_in_key(_context: dict) -> bool:
    from flask_login import current_user

    return current_user.is_authenticated


def follows_here(kind: str, target_id: int, item, proposal_ids: tuple) -> bool:
    """Whether the reader follows a ward or an item; on an item's page (`item`, an ItemRef)
    from their standing on it, asked once for all its parts."""
    if item is not None:
        return item_page.reader_here(item, proposal_ids).following
    return is_following(kind, target_id)


def lang_of(item) -> Markup:
    """' lang="pt"' for the text of an item its author said is in Portuguese; nothing if unsaid."""
    if not getattr(item, "language", None):
        return Markup("")
    return Markup(' lang="{}"').format(item.language)


def page_in(tag: str) -> str:
    """This page's address in another language (its hreflang alternate)."""
    args = request.args.to_dict() | (request.view_args or {}) | {"lang": tag}
    return url_for(request.endpoint, **args, _external=True)
