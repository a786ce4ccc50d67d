"""Engagement: appreciating, commenting, proposing actions and volunteering for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civicmap import clock
from civicmap.errors import Conflict, Forbidden, Invalid, NotFound
from civicmap.extensions import read_now
from civicmap.geo import parse_point, to_db
from civicmap.models import Appreciation, Comment, Initiative, Proposal, User, Volunteering
from civicmap.services import areas, moderation, notifications, skills
from civicmap.services.refusals import flush_or_refuse

ENGAGEABLE = ("project", "idea")


def _require_engageable(item: Initiative) -> None:
    if item.kind not in ENGAGEABLE:
        raise Invalid(None, _l("Only projects and ideas can be appreciated, discussed or helped."))
    if item.hidden:  # a moderator can see it, but nobody adds to it while it is hidden
        raise Forbidden(_l("This is hidden from the public: nothing can be added to it."))


# --- appreciation ------------------------------------------------------------------------------


def appreciate(session: Session, user: User, item: Initiative, note: str | None) -> Appreciation:
    """Appreciate a project or idea, once per person."""
    _require_engageable(item)
    if find_appreciation(session, user, item):
        raise Conflict(_l("You have already appreciated this."))
    appreciation = Appreciation(
        initiative_id=item.id,
        initiative_kind=item.kind,
        user_id=user.id,
        note=(note or "").strip() or None,
    )
    session.add(appreciation)
    flush_or_refuse(session)  # two at once from one person: the unique constraint decides
    notifications.tell(session, "appreciation", user.id, item.id, also=[item.author_id])
    return appreciation


def unappreciate(session: Session, user: User, item: Initiative) -> None:
    appreciation = find_appreciation(session, user, item)
    if appreciation is None:
        raise NotFound(_l("You have not appreciated this."))
    session.delete(appreciation)
    session.flush()


def find_appreciation(session: Session, user: User, item: Initiative) -> Appreciation | None:
    return session.scalar(
        select(Appreciation).where(
            Appreciation.initiative_id == item.id, Appreciation.user_id == user.id
        )
    )


def appreciations_of(session: Session, item: Initiative) -> list[Appreciation]:
    return list(
        session.scalars(
            select(Appreciation)
            .where(Appreciation.initiative_id == item.id)
            .order_by(Appreciation.created_at)
        )
    )


# --- comments ----------------------------------------------------------------------------------


def comment(
    session: Session, user: User, item: Initiative, body: str, parent_id: int | None = None
) -> Comment:
    """Feedback on a project or a contribution to an idea's discussion (a reply if parent_id)."""
    _require_engageable(item)
    if parent_id is not None:
        parent = session.get(Comment, parent_id)
        if parent is None or parent.initiative_id != item.id:
            raise Invalid("parent_id", _l("You can only reply to a comment on this page."))
    new = Comment(
        initiative_id=item.id,
        initiative_kind=item.kind,
        author_id=user.id,
        parent_id=parent_id,
        body=body.strip(),
    )
    session.add(new)
    session.flush()
    # The person replied to hears "replied to you", and of the comment only so.
    replied_to = [parent.author_id] if parent_id is not None else []
    notifications.tell(session, "reply", user.id, item.id, also=replied_to)
    notifications.tell(
        session,
        "comment",
        user.id,
        item.id,
        also=[a for a in [item.author_id] if a not in replied_to],
        followers_of=("item", item.id),
        skip=replied_to,
    )
    return new


def discussion(session: Session, item_ids: list[int]) -> list[tuple[Comment, int]]:
    """Visible comments of these items as (comment, depth), each reply under its parent."""
    comments = list(
        session.scalars(
            select(Comment)
            .where(Comment.initiative_id.in_(item_ids), Comment.hidden.is_(False))
            .order_by(Comment.created_at, Comment.id)
        )
    )
    children: dict[int | None, list[Comment]] = {}
    for c in comments:
        children.setdefault(c.parent_id, []).append(c)
    ordered: list[tuple[Comment, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for c in children.get(parent, []):
            ordered.append((c, depth))
            walk(c.id, depth + 1)

    walk(None, 0)
    return ordered


# --- proposals and volunteering ------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """When and where a proposal happens, as typed (all optional: not every action is one
    occasion)."""

    day: date | None = None
    at: time | None = None
    duration_minutes: int | None = None
    place: str = ""
    lat: str = ""
    lon: str = ""

    @property
    def given(self) -> bool:
        return bool(
            self.day or self.at or self.duration_minutes or self.place or self.lat or self.lon
        )


DEFAULT_DURATION = 120  # minutes, for a calendar entry when none is given


def _apply_schedule(session: Session, proposal: Proposal, item: Initiative, when: Schedule) -> None:
    if not when.given:
        return
    if when.day is None:
        raise Invalid("meets_on", _l("Give the day it happens, or leave the time and place empty."))
    if when.at is None:
        raise Invalid("meets_at", _l("Give the time it starts, for example 10:30."))
    starts_at = clock.from_local(when.day, when.at)
    if starts_at < datetime.now(UTC):
        raise Invalid("meets_on", _l("Choose a day and time that are not in the past."))
    proposal.starts_at = starts_at
    proposal.duration_minutes = when.duration_minutes or DEFAULT_DURATION
    proposal.meeting_place = " ".join(when.place.split()) or None
    if when.lat or when.lon:
        try:
            point = parse_point(when.lat, when.lon)
        except Invalid as exc:
            raise Invalid("meeting_lat", exc.message) from None
        if areas.ward_containing(session, point.y, point.x) is None:
            raise Invalid(
                "meeting_lat",
                _l("This meeting point is outside %(area)s.", area=current_app.config["AREA_NAME"]),
            )
        proposal.meeting_point = to_db(point)
    else:
        proposal.meeting_point = item.location  # meet where the project or idea is


def propose(
    session: Session,
    user: User,
    item: Initiative,
    action: str,
    due_on: date | None,
    volunteers_needed: int,
    skills_needed: str | None = None,
    when: Schedule = Schedule(),
) -> Proposal:
    """Propose an action the person will take to help realise a project or an idea."""
    _require_engageable(item)
    if not 0 <= volunteers_needed <= 100:
        raise Invalid("volunteers_needed", _l("Ask for between 0 and 100 volunteers."))
    if due_on is not None and due_on < date.today():
        raise Invalid("due_on", _l("Choose a date that is not in the past."))
    proposal = Proposal(
        initiative_id=item.id,
        initiative_kind=item.kind,
        author_id=user.id,
        action=action.strip(),
        due_on=due_on,
        volunteers_needed=volunteers_needed,
        skills_needed=skills.parse(session, skills_needed, "skills_needed"),
        status="open",
    )
    _apply_schedule(session, proposal, item, when)
    session.add(proposal)
    session.flush()
    notifications.tell(
        session, "proposal", user.id, item.id, also=[item.author_id], followers_of=("item", item.id)
    )
    return proposal


def get_proposal(session: Session, proposal_id: int, lock: bool = False) -> Proposal:
    query = select(Proposal).where(Proposal.id == proposal_id)
    if lock:
        # Two people taking the last place at once: the second waits, then reads the row as the
        # first left it (populate_existing: without it the session hands back the object it
        # loaded before the lock, and the checks below would judge stale values).
        query = query.with_for_update(of=Proposal).execution_options(populate_existing=True)
    proposal = session.scalar(query)
    if proposal is None:
        raise NotFound(_l("There is no such proposal."))
    return proposal


def set_proposal_status(session: Session, user: User, proposal: Proposal, status: str) -> None:
    """The proposer marks the action done or withdraws it."""
    if proposal.author_id != user.id:
        raise Forbidden(_l("Only the person who proposed this can change it."))
    if status not in ("done", "withdrawn"):
        raise Invalid("status", _l("A proposal can be marked done or withdrawn."))
    proposal.status = status
    session.flush()
    # Those who signed up hear that it is done, or that it will not happen after all.
    notifications.tell(
        session, status, user.id, proposal.initiative_id, also=signed_up(session, proposal.id)
    )


def signed_up(session: Session, proposal_id: int) -> list[int]:
    """Who volunteers for a proposal or waits for a place on it."""
    return list(
        session.scalars(
            select(Volunteering.user_id).where(
                Volunteering.proposal_id == proposal_id,
                Volunteering.status.in_(("active", "waiting")),
            )
        )
    )


def active_volunteers(session: Session, proposal_id: int) -> int:
    return session.scalar(
        select(func.count()).where(
            Volunteering.proposal_id == proposal_id, Volunteering.status == "active"
        )
    )


def volunteer(session: Session, user: User, proposal_id: int, note: str | None) -> Volunteering:
    """Sign up to help with a proposal; refused when it is full, closed or already joined."""
    proposal = get_proposal(session, proposal_id, lock=True)
    if session.scalar(select(Initiative.hidden).where(Initiative.id == proposal.initiative_id)):
        raise Forbidden(_l("This is hidden from the public: nothing can be added to it."))
    if proposal.author_id == user.id:
        raise Invalid(None, _l("You proposed this action, so you are already doing it."))
    moderation.refuse_if_blocked(session, proposal.author_id, user)
    if proposal.volunteers_needed == 0:
        raise Invalid(None, _l("This proposal does not ask for volunteers."))
    if proposal.status == "full":
        raise Conflict(_l("This proposal already has all the volunteers it needs."))
    if proposal.status != "open":
        raise Conflict(_l("This proposal is no longer open."))
    existing = session.scalar(
        select(Volunteering).where(
            Volunteering.proposal_id == proposal.id, Volunteering.user_id == user.id
        )
    )
    if existing and existing.status == "active":
        raise Conflict(_l("You have already volunteered for this."))
    if existing:
        existing.status, existing.note = "active", (note or "").strip() or None
        volunteering = existing
    else:
        volunteering = Volunteering(
            proposal_id=proposal.id, user_id=user.id, note=(note or "").strip() or None
        )
        session.add(volunteering)
    # The database has the last word on capacity (migration 0009): it refuses a sign-up past
    # it whatever the code path, and marks the proposal full or open again.
    flush_or_refuse(session)
    session.refresh(proposal)
    # Volunteers follow what they help with; the proposer hears of each.
    notifications.follow(session, user, "item", proposal.initiative_id)
    notifications.tell(
        session, "volunteer", user.id, proposal.initiative_id, also=[proposal.author_id]
    )
    if proposal.status == "full":
        notifications.tell(session, "full", None, proposal.initiative_id, also=[proposal.author_id])
    return volunteering


def wait_for_a_place(session: Session, user: User, proposal_id: int) -> int:
    """Join a full proposal's waiting list; the database moves the first waiting up when a
    place comes free (migration 0014). Returns the person's place in the queue."""
    proposal = get_proposal(session, proposal_id, lock=True)
    if proposal.author_id == user.id:
        raise Invalid(None, _l("You proposed this action, so you are already doing it."))
    moderation.refuse_if_blocked(session, proposal.author_id, user)
    if proposal.status != "full":
        raise Conflict(_l("There is a place free: volunteer instead."))
    existing = session.scalar(
        select(Volunteering).where(
            Volunteering.proposal_id == proposal.id, Volunteering.user_id == user.id
        )
    )
    if existing and existing.status in ("active", "waiting"):
        raise Conflict(_l("You are already volunteering or waiting for this."))
    if existing:
        existing.status = "waiting"
        existing.created_at = func.now()  # to the back of the queue
    else:
        session.add(Volunteering(proposal_id=proposal.id, user_id=user.id, status="waiting"))
    flush_or_refuse(session)
    return session.scalar(
        select(func.count()).where(
            Volunteering.proposal_id == proposal.id, Volunteering.status == "waiting"
        )
    )


def withdraw_volunteering(session: Session, user: User, proposal_id: int) -> None:
    proposal = get_proposal(session, proposal_id, lock=True)
    volunteering = session.scalar(
        select(Volunteering).where(
            Volunteering.proposal_id == proposal.id,
            Volunteering.user_id == user.id,
            Volunteering.status.in_(("active", "waiting")),
        )
    )
    if volunteering is None:
        raise NotFound(_l("You are not volunteering for this."))
    # Who the database will move up if a place frees (the same order as migration 0014; the
    # proposal's lock keeps the queue still meanwhile).
    first_waiting = session.scalar(
        select(Volunteering)
        .where(Volunteering.proposal_id == proposal.id, Volunteering.status == "waiting")
        .order_by(Volunteering.created_at, Volunteering.id)
        .limit(1)
    )
    volunteering.status = "withdrawn"  # 0009 opens a full proposal again, 0014 moves one up
    session.flush()
    session.refresh(proposal)
    if first_waiting is not None:
        session.refresh(first_waiting)
        if first_waiting.status == "active":
            notifications.tell(
                session, "moved_up", None, proposal.initiative_id, also=[first_waiting.user_id]
            )
    notifications.tell(
        session, "withdraw", user.id, proposal.initiative_id, also=[proposal.author_id]
    )


@dataclass(frozen=True)
class Reader:
    """Where a person stands on an item's page: whether they appreciated it and follow it, and
    the proposals on it they help with or wait for."""

    appreciated: bool = False
    following: bool = False
    helping: frozenset[int] = frozenset()
    waiting: frozenset[int] = frozenset()


# Asked on every item page a logged-in person reads, on the driver (extensions.read_now).
READER = """
SELECT
  EXISTS (SELECT 1 FROM appreciations
          WHERE initiative_id = %(item_id)s AND user_id = %(user_id)s),
  EXISTS (SELECT 1 FROM follows
          WHERE user_id = %(user_id)s AND target_kind = 'item' AND target_id = %(item_id)s),
  mine.helping, mine.waiting
FROM (SELECT array_agg(proposal_id) FILTER (WHERE status = 'active') AS helping,
             array_agg(proposal_id) FILTER (WHERE status = 'waiting') AS waiting
      FROM volunteerings
      WHERE user_id = %(user_id)s AND proposal_id = ANY(%(proposal_ids)s)) mine
"""


def reader_of(session: Session, user, item_id: int, proposal_ids: list[int]) -> Reader:
    """A person's standing on an item, in one statement and one round trip (the rest of the
    page is shared: civicmap/pagecache.py)."""
    if not user.is_authenticated:
        return Reader()
    params = {"user_id": user.id, "item_id": item_id, "proposal_ids": list(proposal_ids)}
    appreciated, following, helping, waiting = read_now(session, READER, params)
    return Reader(appreciated, following, frozenset(helping or ()), frozenset(waiting or ()))


def volunteers_of(session: Session, proposal_ids: list[int]) -> dict[int, list[Volunteering]]:
    rows = session.scalars(
        select(Volunteering)
        .where(Volunteering.proposal_id.in_(proposal_ids), Volunteering.status == "active")
        .order_by(Volunteering.created_at)
    )
    grouped: dict[int, list[Volunteering]] = {}
    for v in rows:
        grouped.setdefault(v.proposal_id, []).append(v)
    return grouped


# --- what a person has done ---------------------------------------------------------------------


def proposals_by(session: Session, user_id: int) -> list[Proposal]:
    return list(
        session.scalars(
            select(Proposal)
            .where(Proposal.author_id == user_id)
            .order_by(Proposal.created_at.desc())
        )
    )


def volunteering_by(session: Session, user_id: int) -> list[tuple[Volunteering, Proposal]]:
    return list(
        session.execute(
            select(Volunteering, Proposal)
            .join(Proposal, Proposal.id == Volunteering.proposal_id)
            .where(Volunteering.user_id == user_id, Volunteering.status == "active")
            .order_by(Volunteering.created_at.desc())
        ).tuples()
    )


def appreciations_received(session: Session, user_id: int) -> list[tuple[Appreciation, Initiative]]:
    return list(
        session.execute(
            select(Appreciation, Initiative)
            .join(Initiative, Initiative.id == Appreciation.initiative_id)
            .where(Initiative.author_id == user_id)
            .order_by(Appreciation.created_at.desc())
        ).tuples()
    )
