"""A project's progress: updates on its timeline, photos on items, and the photos' files."""

import io

from flask import Blueprint, Response, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required

from civicmap import limits
from civicmap.access import AUTHOR, access
from civicmap.areas.feeds import Entry, atom_of
from civicmap.clock import long_date
from civicmap.extensions import db
from civicmap.initiatives.page import act_on_item
from civicmap.initiatives.urls import KIND_OF, KINDS, item_url
from civicmap.limits import per_account
from civicmap.progress.forms import PhotoForm, UpdateForm
from civicmap.services import initiatives as items
from civicmap.services import photos, progress

bp = Blueprint("progress", __name__)
FEED_SIZE = 50


# Where a request may carry photos (up to photos.MAX_REQUEST_BYTES; create_app registers it).
UPLOADS = {"progress.post_update", "progress.add_photo"}


@bp.post("/<any(projects, events):plural>/<id:item_id>/updates")
@access(AUTHOR)
@per_account(limits.ITEMS)
@login_required
def post_update(plural: str, item_id: int):
    item = items.get(db.session, KIND_OF[plural], item_id, current_user)
    items.require_author(item, current_user)  # before the form is judged: others get a 403
    form = UpdateForm()
    return act_on_item(
        item,
        "update_form",
        form,
        lambda: progress.post_update(
            db.session,
            current_user,
            item,
            form.update_body.data,
            form.update_stage.data,
            form.uploads(),
        ),
        _("Your update is posted; the people following it will hear of it."),
        "progress",
    )


@bp.post(f"/{KINDS}/<id:item_id>/photos")
@access(AUTHOR)
@per_account(limits.ITEMS)
@login_required
def add_photo(plural: str, item_id: int):
    item = items.get(db.session, KIND_OF[plural], item_id, current_user)
    items.require_author(item, current_user)
    form = PhotoForm()
    return act_on_item(
        item,
        "photo_form",
        form,
        lambda: progress.add_photo(
            db.session, current_user, item, form.photo.data, form.photo_alt.data
        ),
        _("The photo is added."),
        "photos",
    )


@bp.get("/<any(projects, events):plural>/<id:item_id>/feed.atom")
def updates_feed(plural: str, item_id: int):
    """A project's updates (an event's "what happened") for feed readers."""
    item = items.get(db.session, KIND_OF[plural], item_id)
    page = item_url(item, _external=True)
    entries = [
        Entry(
            link=f"{page}#update-{u.id}",
            title=_(
                "%(title)s: update of %(date)s", title=item.title, date=long_date(u.created_at)
            ),
            summary=u.body[:1000],
            published=u.created_at,
            updated=u.created_at,
        )
        for u in progress.timeline(db.session, item.id)[:FEED_SIZE]
    ]
    body = atom_of(
        _("Updates: %(title)s", title=item.title),
        item_url(item, "progress.updates_feed", _external=True),
        page,
        entries,
    )
    return Response(body, mimetype="application/atom+xml")


@bp.get("/photos/<any(small, large):size>/<string(length=32):key>.webp")
def photo_file(size: str, key: str):
    data = photos.public_file(db.session, key, size)
    response = send_file(
        io.BytesIO(data), mimetype="image/webp", conditional=True, etag=f"{key}-{size}"
    )
    response.headers["Cache-Control"] = photos.CACHE_CONTROL
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
