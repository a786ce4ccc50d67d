"""Initiatives: sharing projects, discussing ideas, offering support — and editing, deleting,
moderating them. The database places each item in its ward (see the first migration)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from civicmap.errors import Conflict, Forbidden, Gone, Invalid, NotFound
from civicmap.geo import parse_point, to_db
from civicmap.i18n import ITEM_LANGUAGES
from civicmap.models import Event, Idea, Initiative, Offer, Project, Proposal, User, Ward
from civicmap.services import areas, events, notifications, skills

CLASSES: dict[str, type[Initiative]] = {
    "project": Project,
    "idea": Idea,
    "offer": Offer,
    "event": Event,
}
# The fields a person may set on each kind; anything else in the input is ignored.
FIELDS = {
    "project": (
        "title",
        "summary",
        "description",
        "category",
        "status",
        "website",
        "language",
        "skills_needed",
    ),
    "idea": ("title", "summary", "description", "category", "language", "skills_needed"),
    "offer": (
        "title",
        "description",
        "category",
        "status",
        "offer_type",
        "availability",
        "language",
        "skills",
    ),
    # The event's own fields (times, capacity, link...) are set by services/events.py.
    "event": ("title", "summary", "description", "category", "language", "skills_needed"),
}


@dataclass(frozen=True)
class Placement:
    """Where an item is: a point (lat/lon text as typed), and for offers optionally only a ward."""

    lat: Any = None
    lon: Any = None
    # An event's times and own fields (only for events).
    when: Any = None
    event_fields: dict | None = None
    ward_id: int | None = None
    postcode: str = ""  # the middle of a postcode, when no point is given

    @property
    def has_point(self) -> bool:
        return str(self.lat or "").strip() != "" or str(self.lon or "").strip() != ""


def create(
    session: Session, author: User, kind: str, fields: dict, placement: Placement, area: str
) -> Initiative:
    """Share a project, start an idea or make an offer."""
    item = CLASSES[kind](author=author, **_clean(session, kind, fields))
    if kind == "project":
        item.status = item.status or "planning"
    elif kind == "idea":
        item.status = "open"
    elif kind == "event":
        item.status = "scheduled"
        events.apply(session, item, placement.when, placement.event_fields or {})
    else:
        item.status = item.status or "available"
    _place(session, item, placement)
    session.add(item)
    _flush_placed(session, area)
    # Its author follows it; the people following its ward hear of it.
    notifications.follow(session, author, "item", item.id)
    notifications.tell(session, "new_item", author.id, item.id, followers_of=("ward", item.ward_id))
    return item


class EditConflict(Conflict):
    """Someone saved the item after this editor opened it; `current` is what is saved now."""

    def __init__(self, current: Initiative):
        super().__init__(
            _l(
                "Someone else saved changes to this while you were editing. What is saved now "
                "is shown below; your text is kept in the form. Save again to replace it."
            )
        )
        self.current = current


def update(
    session: Session,
    item: Initiative,
    editor: User,
    fields: dict,
    placement: Placement,
    area: str,
    seen_version: int | None = None,
) -> Initiative:
    """Save an author's changes; EditConflict if the item changed since they opened it
    (`seen_version`), or changes under them now (the version is checked in the UPDATE)."""
    require_author(item, editor)
    if seen_version is not None and seen_version != item.version:
        raise EditConflict(item)
    for key, value in _clean(session, item.kind, fields).items():
        setattr(item, key, value)
    if item.kind == "event":
        # Places are counted under the event's lock: a capacity below those going is refused.
        session.execute(select(Initiative.id).where(Initiative.id == item.id).with_for_update())
        events.apply(session, item, placement.when, placement.event_fields or {})
    _place(session, item, placement)
    try:
        _flush_placed(session, area)
    except StaleDataError:
        session.expire(item)
        raise EditConflict(item) from None
    if item.kind == "event":
        events.after_saved(session, item)
    return item


def delete(session: Session, item: Initiative, editor: User) -> None:
    """Authors delete their own items: hidden and kept, so its page answers 410."""
    require_author(item, editor)
    item.hidden, item.hidden_reason = True, "deleted"
    session.flush()


def moderate(session: Session, item: Initiative, moderator: User, hide: bool) -> None:
    if not moderator.is_moderator:
        raise Forbidden(_l("Only moderators can hide or restore items."))
    if item.hidden_reason == "deleted":
        raise Forbidden(_l("Its author deleted this: only they could publish it again."))
    item.hidden = hide
    item.hidden_reason = "moderated" if hide else None
    session.flush()


def idea_to_project(session: Session, idea: Initiative, editor: User, area: str) -> Initiative:
    """The idea's author turns it into a project; the project links back to the idea."""
    if idea.kind != "idea":
        raise Invalid(None, _l("Only an idea can become a project."))
    require_author(idea, editor)
    # Pressed twice, or in two tabs: the second waits for the first, then finds its project
    # (the unique index on from_idea_id is the database's guarantee behind this).
    session.execute(select(Initiative.id).where(Initiative.id == idea.id).with_for_update())
    existing = session.scalar(select(Project).where(Project.from_idea_id == idea.id))
    if existing and not existing.hidden:
        return existing
    if existing:
        raise Conflict(_l("This idea has already become a project, which has been removed."))
    project = Project(
        author=editor,
        title=idea.title,
        summary=idea.summary,
        description=idea.description,
        category=idea.category,
        status="planning",
        location=idea.location,
        from_idea_id=idea.id,
    )
    idea.status = "adopted"
    session.add(project)
    _flush_placed(session, area)
    return project


def get(session: Session, kind: str, item_id: int, viewer: User | None = None) -> Initiative:
    """An item to show: NotFound if there is none of that kind, Gone if it was removed.

    Moderators still see hidden items, so they can restore them.
    """
    item = session.get(Initiative, item_id)
    if item is None or item.kind != kind:
        raise NotFound(_l("There is nothing here with that number."))
    if item.hidden and not (viewer and viewer.is_authenticated and viewer.is_moderator):
        raise Gone(_l("This has been removed by its author or a moderator."))
    return item


def get_public(session: Session, item_id: int) -> Initiative | None:
    """An item anyone may see, or None."""
    item = session.get(Initiative, item_id)
    return item if item is not None and not item.hidden else None


def project_from_idea(session: Session, idea_id: int) -> Initiative | None:
    """The project an idea became, if it did."""
    return session.scalar(
        select(Project).where(Project.from_idea_id == idea_id, Project.hidden.is_(False))
    )


def source_idea(session: Session, project: Initiative) -> Initiative | None:
    """The idea a project grew out of, if any and still public."""
    idea = session.get(Idea, project.from_idea_id) if project.from_idea_id else None
    return idea if idea is not None and not idea.hidden else None


def by_author(session: Session, author_id: int, include_hidden: bool = False) -> list[Initiative]:
    query = select(Initiative).where(Initiative.author_id == author_id)
    if not include_hidden:
        query = query.where(Initiative.hidden.is_(False))
    return list(session.scalars(query.order_by(Initiative.created_at.desc())))


def proposals_for(session: Session, item_id: int) -> list[Proposal]:
    return list(
        session.scalars(
            select(Proposal)
            .where(Proposal.initiative_id == item_id, Proposal.hidden.is_(False))
            .order_by(Proposal.created_at)
        )
    )


def _clean(session: Session, kind: str, fields: dict) -> dict:
    values = {k: fields[k] for k in FIELDS[kind] if k in fields}
    for key in ("summary", "website", "availability", "language"):
        if key in values:
            values[key] = (values[key] or "").strip() or None
    if "title" in values:
        values["title"] = " ".join((values["title"] or "").split())
    if values.get("language") and values["language"] not in ITEM_LANGUAGES:
        raise Invalid("language", _l("Choose a language from the list."))
    for key in ("skills", "skills_needed"):
        if key in values:
            values[key] = skills.parse(session, values[key], key)
    return values


def _place(session: Session, item: Initiative, placement: Placement) -> None:
    if placement.ward_id is not None and session.get(Ward, placement.ward_id) is None:
        raise Invalid("ward", _l("Choose a ward from the list."))
    if placement.has_point:
        item.location = to_db(parse_point(placement.lat, placement.lon))
        item.ward_id = placement.ward_id  # a hint; the database decides from the point
    elif (placement.postcode or "").strip():
        found = areas.find_postcode(session, placement.postcode)
        if found is None:
            raise Invalid(
                "postcode",
                _l("We do not know the postcode %(p)s.", p=placement.postcode.strip().upper()),
            )
        item.location = found.location
        item.ward_id = placement.ward_id
    elif (item.kind == "offer" or (item.kind == "event" and item.online_url)) and placement.ward_id:
        item.location = None
        item.ward_id = placement.ward_id
    elif item.location is None:
        field = "ward" if item.kind in ("offer", "event") else "location"
        message = {
            "offer": _l("Choose the ward you can help in, or a point on the map."),
            "event": _l(
                "Choose where it happens on the map, or give its link online and the ward it"
                " is for."
            ),
        }.get(item.kind, _l("Choose a location: click the map, or give a latitude and longitude."))
        raise Invalid(field, message)


def _flush_placed(session: Session, area: str) -> None:
    """Flush in a savepoint, turning the database's placement refusals into Invalid."""
    try:
        with session.begin_nested():
            session.flush()
    except DBAPIError as exc:
        code = getattr(exc.orig, "sqlstate", None)
        if code == "CM001":
            raise Invalid("location", _l("This location is outside %(area)s.", area=area)) from None
        if code == "CM002":
            raise Invalid("location", _l("Choose a location on the map.")) from None
        raise


def require_author(item: Initiative, user: User) -> None:
    if item.author_id != user.id:
        raise Forbidden(_l("Only its author can change this."))
