"""Events and meetings: when (typed in local time), where (a place, a link online, or both),
how many can come, and who is going. The capacity is the database's to keep (migration 0025):
places are counted under a lock on the event, and a place freed goes to the first waiting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from civicmap import clock
from civicmap.errors import Conflict, Forbidden, Invalid, NotFound
from civicmap.models import Initiative, Rsvp, User
from civicmap.services import messages, moderation, notifications
from civicmap.services.refusals import flush_or_refuse

ABOUT_KINDS = ("project", "idea")


@dataclass(frozen=True)
class When:
    """An event's times as typed: a day and start, an end time, and the end's day if another."""

    starts_on: date | None
    start: time | None
    end: time | None
    ends_on: date | None = None


def apply(session: Session, event: Initiative, when: When, fields: dict) -> None:
    """Set and check an event's own fields (times, capacity, link, access, what it is about)."""
    if when.starts_on is None:
        raise Invalid("starts_on", _l("Give the day the event happens."))
    if when.start is None:
        raise Invalid("start_time", _l("Give the time it starts, for example 18:30."))
    if when.end is None:
        raise Invalid("end_time", _l("Give the time it ends, for example 20:00."))
    starts = clock.from_local(when.starts_on, when.start)
    ends = clock.from_local(when.ends_on or when.starts_on, when.end)
    if ends <= starts:
        raise Invalid("end_time", _l("The event must end after it starts."))
    moved = (starts, ends) != (event.starts_at, event.ends_at)
    if moved and starts < datetime.now(UTC):
        raise Invalid("starts_on", _l("Choose a day and time that are not in the past."))
    event.starts_at, event.ends_at = starts, ends
    event.online_url = (fields.get("online_url") or "").strip() or None
    event.accessibility = " ".join((fields.get("accessibility") or "").split()) or None
    event.capacity = _capacity(session, event, fields.get("capacity"))
    event.about_id = _about(session, fields.get("about_id"))


def _capacity(session: Session, event: Initiative, value) -> int | None:
    if value in (None, ""):
        return None
    if not 1 <= int(value) <= 10000:
        raise Invalid("capacity", _l("Give between 1 and 10,000 places, or leave it empty."))
    if event.id is not None:
        going = count(session, event.id, "going")
        if int(value) < going:
            raise Invalid(
                "capacity",
                _l("%(n)s people are already going: give at least %(n)s places.", n=going),
            )
    return int(value)


def _about(session: Session, value) -> int | None:
    if value in (None, ""):
        return None
    item = session.get(Initiative, int(value))
    if item is None or item.kind not in ABOUT_KINDS or item.hidden:
        raise Invalid("about_id", _l("The project or idea this was about is no longer there."))
    return item.id


def after_saved(session: Session, event: Initiative) -> None:
    """More places than before: the first people waiting take them, in order."""
    if event.capacity is None or event.status != "scheduled":
        waiting = _waiting(session, event.id, None)
    else:
        waiting = _waiting(session, event.id, event.capacity - count(session, event.id, "going"))
    for rsvp in waiting:
        rsvp.status = "going"
        session.flush()
        notifications.tell(session, "event_place", None, event.id, also=[rsvp.user_id])


def _waiting(session: Session, event_id: int, places: int | None) -> list[Rsvp]:
    if places is not None and places <= 0:
        return []
    query = (
        select(Rsvp)
        .where(Rsvp.event_id == event_id, Rsvp.status == "waiting")
        .order_by(Rsvp.created_at, Rsvp.id)
    )
    return list(session.scalars(query.limit(places) if places is not None else query))


# --- going ---------------------------------------------------------------------------------------


def _locked(session: Session, event_id: int) -> Initiative:
    # Many pressing "I'm going" at once: each waits for the lock, then counts what the one before
    # left (populate_existing: the object already loaded would otherwise keep stale values).
    event = session.scalar(
        select(Initiative)
        .where(Initiative.id == event_id, Initiative.kind == "event")
        .with_for_update(of=Initiative)
        .execution_options(populate_existing=True)
    )
    if event is None:
        raise NotFound(_l("There is nothing here with that number."))
    return event


def rsvp(session: Session, user: User, event_id: int) -> Rsvp:
    """Say you are going; past the capacity you join the waiting list (status "waiting")."""
    event = _locked(session, event_id)
    if event.hidden:
        raise Forbidden(_l("This is hidden from the public: nothing can be added to it."))
    if event.status == "cancelled":
        raise Conflict(_l("This event has been cancelled."))
    if event.ends_at <= datetime.now(UTC):
        raise Conflict(_l("This event is over."))
    moderation.refuse_if_blocked(session, event.author_id, user)
    mine = session.scalar(select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == user.id))
    if mine is not None and mine.status in ("going", "waiting"):
        raise Conflict(_l("You have already said you are going, or are on the waiting list."))
    full = event.capacity is not None and count(session, event.id, "going") >= event.capacity
    status = "waiting" if full else "going"
    if mine is None:
        mine = Rsvp(event_id=event.id, user_id=user.id, status=status)
        session.add(mine)
    else:
        mine.status, mine.created_at = status, func.now()  # to the back of the line
    flush_or_refuse(session)
    session.refresh(mine)
    notifications.follow(session, user, "item", event.id)
    return mine


def cancel_rsvp(session: Session, user: User, event_id: int) -> None:
    """Not going after all: a place freed goes to the first waiting (the database moves them),
    who is told."""
    event = _locked(session, event_id)
    mine = session.scalar(select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == user.id))
    if mine is None or mine.status == "cancelled":
        raise NotFound(_l("You had not said you were going."))
    was_going = mine.status == "going"
    first_waiting = _waiting(session, event.id, 1) if was_going else []
    mine.status = "cancelled"
    flush_or_refuse(session)
    for moved in first_waiting:
        session.refresh(moved)
        if moved.status == "going":
            notifications.tell(session, "event_place", None, event.id, also=[moved.user_id])


def cancel_event(session: Session, organiser: User, event: Initiative) -> None:
    """The organiser calls it off; everyone going or waiting is told."""
    if event.author_id != organiser.id:
        raise Forbidden(_l("Only its author can change this."))
    if event.status == "cancelled":
        raise Conflict(_l("This event has been cancelled."))
    event.status = "cancelled"
    session.flush()
    notifications.tell(
        session, "event_cancelled", organiser.id, event.id, also=attendee_ids(session, event.id)
    )


def count(session: Session, event_id: int, status: str = "going") -> int:
    return session.scalar(
        select(func.count()).where(Rsvp.event_id == event_id, Rsvp.status == status)
    )


def counts(session: Session, event_id: int) -> dict[str, int]:
    """{"going": n, "waiting": n} in one query."""
    rows = session.execute(
        select(Rsvp.status, func.count())
        .where(Rsvp.event_id == event_id, Rsvp.status.in_(("going", "waiting")))
        .group_by(Rsvp.status)
    )
    return {"going": 0, "waiting": 0} | dict(rows.tuples().all())


def place_in_line(session: Session, rsvp: Rsvp) -> int:
    """A waiting person's number in the line (1 is next), in the order the database moves
    people up (created_at, id)."""
    return session.scalar(
        select(func.count()).where(
            Rsvp.event_id == rsvp.event_id,
            Rsvp.status == "waiting",
            tuple_(Rsvp.created_at, Rsvp.id) <= tuple_(rsvp.created_at, rsvp.id),
        )
    )


def attendees(session: Session, event_id: int) -> list[Rsvp]:
    """Going, then waiting in their order: for the organiser (display names only)."""
    return list(
        session.scalars(
            select(Rsvp)
            .where(Rsvp.event_id == event_id, Rsvp.status.in_(("going", "waiting")))
            .order_by(Rsvp.status, Rsvp.created_at, Rsvp.id)
        )
    )


def attendee_ids(session: Session, event_id: int) -> list[int]:
    return [r.user_id for r in attendees(session, event_id)]


def mine(session: Session, user: User | None, event_id: int) -> Rsvp | None:
    if user is None or not user.is_authenticated:
        return None
    return session.scalar(select(Rsvp).where(Rsvp.event_id == event_id, Rsvp.user_id == user.id))


def message_attendees(session: Session, organiser: User, event: Initiative, body: str) -> int:
    """The organiser writes to everyone going (through civicmap's messages: no addresses shown).
    How many it went to."""
    if event.author_id != organiser.id:
        raise Forbidden(_l("Only the organiser can message the people going."))
    going = [r.user_id for r in attendees(session, event.id) if r.status == "going"]
    if not going:
        raise Invalid("body", _l("Nobody has said they are going yet."))
    sent = 0
    for user_id in going:
        try:
            messages.send_about_item(session, organiser, user_id, body, event)
            sent += 1
        except Forbidden:  # someone going has blocked the organiser: they are left out
            continue
    return sent


def upcoming(session: Session, ward_id: int | None = None, limit: int = 10) -> list[Initiative]:
    """Events not yet over, soonest first (a ward's, or everywhere's)."""
    query = select(Initiative).where(
        Initiative.kind == "event",
        Initiative.hidden.is_(False),
        Initiative.ends_at > func.now(),
    )
    if ward_id is not None:
        query = query.where(Initiative.ward_id == ward_id)
    return list(session.scalars(query.order_by(Initiative.starts_at, Initiative.id).limit(limit)))


def about(session: Session, item_id: int) -> list[Initiative]:
    """The events about a project or idea: upcoming first, then past ones (a record)."""
    return list(
        session.scalars(
            select(Initiative)
            .where(
                Initiative.kind == "event",
                Initiative.about_id == item_id,
                Initiative.hidden.is_(False),
            )
            .order_by(Initiative.starts_at.desc())
            .limit(20)
        )
    )
