"""A project's progress: its stage in the cycle, updates on its timeline, photos on items and
updates. Every photo is checked and encoded before any row is written, so a refused photo
leaves nothing half-saved; files are stored when the rows commit (services/photos.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civicmap.errors import Forbidden, Invalid
from civicmap.models import Initiative, Photo, Update, User
from civicmap.models.progress import MAX_PHOTOS_PER_UPDATE
from civicmap.models.vocabulary import STATUSES
from civicmap.services import notifications, photos

STAGES = tuple(STATUSES["project"])  # idea -> planning -> doing -> done -> reviewed
# A project's progress; an event's "what happened and what was decided", once it has begun.
WITH_UPDATES = ("project", "event")
MAX_PHOTOS_PER_ITEM = 12


def post_update(
    session: Session,
    author: User,
    item: Initiative,
    body: str,
    stage: str | None,
    uploads: list[tuple[object, str]],
) -> Update:
    """The project's author says what happened (and may move it to a stage), with up to six
    photos, each with its alt text. Followers of the project hear of it."""
    _require_author_of_project(item, author)
    body = (body or "").strip()
    if not body:
        raise Invalid("update_body", _l("Say what happened."))
    if len(body) > 5000:
        raise Invalid("update_body", _l("Keep an update under 5,000 characters."))
    if item.kind == "event" and item.starts_at > datetime.now(UTC):
        raise Invalid("update_body", _l("Say what happened once the event has begun."))
    if item.kind != "project":
        stage = None  # only projects have stages
    if stage and stage not in STAGES:
        raise Invalid("update_stage", _l("Choose a stage from the list."))
    if len(uploads) > MAX_PHOTOS_PER_UPDATE:
        raise Invalid(
            "photos", _l("Add at most %(n)s photos to an update.", n=MAX_PHOTOS_PER_UPDATE)
        )
    prepared = [
        photos.prepare(upload, alt, f"photos-{n}-file", f"photos-{n}-alt")
        for n, (upload, alt) in enumerate(uploads)
    ]
    update = Update(
        initiative_id=item.id,
        initiative_kind=item.kind,
        author_id=author.id,
        body=body,
        stage=stage if stage and stage != item.status else None,
    )
    if update.stage:
        item.status = update.stage
    session.add(update)
    session.flush()
    photos.attach(session, prepared, author.id, update=update)
    session.flush()
    notifications.tell(session, "update", author.id, item.id, followers_of=("item", item.id))
    return update


def add_photo(session: Session, author: User, item: Initiative, upload, alt: str) -> Photo:
    """A photo on a project, idea or event page, added by its author."""
    if item.author_id != author.id:
        raise Forbidden(_l("Only its author can change this."))
    if item.hidden:
        raise Forbidden(_l("This is hidden from the public: nothing can be added to it."))
    prepared = photos.prepare(upload, alt)
    count = session.scalar(
        select(func.count()).select_from(Photo).where(Photo.initiative_id == item.id)
    )
    if count >= MAX_PHOTOS_PER_ITEM:
        raise Invalid("photo", _l("This already has %(n)s photos, the most it can have.", n=count))
    (photo,) = photos.attach(session, [prepared], author.id, item=item)
    session.flush()
    return photo


def timeline(session: Session, item_id: int) -> list[Update]:
    """A project's public updates, newest first, with their photos."""
    return list(
        session.scalars(
            select(Update)
            .where(Update.initiative_id == item_id, Update.hidden.is_(False))
            .order_by(Update.created_at.desc(), Update.id.desc())
        ).unique()
    )


def _require_author_of_project(item: Initiative, user: User) -> None:
    if item.kind not in WITH_UPDATES:
        raise Invalid(None, _l("Only projects and events have updates."))
    if item.author_id != user.id:
        raise Forbidden(_l("Only its author can change this."))
    if item.hidden:
        raise Forbidden(_l("This is hidden from the public: nothing can be added to it."))
