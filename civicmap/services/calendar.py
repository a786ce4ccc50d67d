"""Events, and proposals with a time, as iCalendar (RFC 5545, built with the icalendar library):
one file each, a ward's upcoming ones, and what a person takes part in or goes to.

Only what the item page shows anyway goes in: no hidden proposals, no names of volunteers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Response, current_app
from icalendar import Calendar, Event
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from civicmap.geo import point_of
from civicmap.initiatives.urls import item_url
from civicmap.models import Initiative, Proposal, Rsvp, Volunteering

SHOWN = 500  # events in one feed at most: the next ones first


def calendar(name: str, rows: list) -> bytes:
    """rows: (proposal, its item) pairs and events (items of kind "event"), in any mix."""
    cal = Calendar()
    cal.add("prodid", "-//civicmap//proposals//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", current_app.config["TIMEZONE"])
    for row in rows:
        cal.add_component(_event_entry(row) if isinstance(row, Initiative) else _event(*row))
    return cal.to_ical()


def _event_entry(item: Initiative) -> Event:
    link = item_url(item, _external=True)
    host = current_app.config["BASE_URL"].split("://")[-1].split("/")[0]
    entry = Event()
    entry.add("uid", f"event-{item.id}@{host}")
    entry.add("dtstamp", datetime.now(UTC))
    entry.add("last-modified", item.updated_at)
    entry.add("dtstart", item.starts_at.astimezone(UTC))
    entry.add("dtend", item.ends_at.astimezone(UTC))
    entry.add("summary", item.title)
    notes = [item.description]
    if item.accessibility:
        notes.append(item.accessibility)
    if item.online_url:
        notes.append(item.online_url)
    entry.add("description", "\n\n".join([*notes, link]))
    entry.add("url", link)
    entry.add("location", item.online_url if item.location is None else item.ward.name)
    point = point_of(item.location)
    if point is not None:
        entry.add("geo", (point.y, point.x))
    entry.add("status", "CANCELLED" if item.status == "cancelled" else "CONFIRMED")
    return entry


def _event(proposal: Proposal, item: Initiative) -> Event:
    link = f"{item_url(item, _external=True)}#proposal-{proposal.id}"
    host = current_app.config["BASE_URL"].split("://")[-1].split("/")[0]
    event = Event()
    event.add("uid", f"proposal-{proposal.id}@{host}")
    event.add("dtstamp", datetime.now(UTC))
    event.add("last-modified", proposal.updated_at)
    event.add("dtstart", proposal.starts_at.astimezone(UTC))
    event.add(
        "dtend", (proposal.starts_at + timedelta(minutes=proposal.duration_minutes)).astimezone(UTC)
    )
    event.add("summary", f"{item.title}: {_first_line(proposal.action)}")
    event.add("description", f"{proposal.action}\n\n{link}")
    event.add("url", link)
    event.add("location", proposal.meeting_place or item.title)
    point = point_of(proposal.meeting_point)
    if point is not None:
        event.add("geo", (point.y, point.x))
    event.add("status", "CANCELLED" if proposal.status == "withdrawn" else "CONFIRMED")
    return event


def _first_line(text: str, limit: int = 80) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _public(query):
    return query.where(
        Proposal.starts_at.is_not(None),
        Proposal.hidden.is_(False),
        Initiative.hidden.is_(False),
    )


def _rows(session: Session, query) -> list[tuple[Proposal, Initiative]]:
    return list(
        session.execute(
            query.join(Initiative, Initiative.id == Proposal.initiative_id)
            .order_by(Proposal.starts_at, Proposal.id)
            .limit(SHOWN)
        ).tuples()
    )


def one(proposal: Proposal, item: Initiative) -> bytes:
    return calendar(item.title, [(proposal, item)])


def one_event(event: Initiative) -> bytes:
    return calendar(event.title, [event])


def _events(session: Session, *conditions) -> list[Initiative]:
    query = select(Initiative).where(
        Initiative.kind == "event", Initiative.hidden.is_(False), *conditions
    )
    return list(session.scalars(query.order_by(Initiative.starts_at, Initiative.id).limit(SHOWN)))


def _soonest(rows: list) -> list:
    return sorted(rows, key=lambda r: r.starts_at if isinstance(r, Initiative) else r[0].starts_at)[
        :SHOWN
    ]


def upcoming_in_ward(session: Session, ward_id: int) -> list:
    """The ward's proposals and events that have not ended (a withdrawn or cancelled one stays, so
    calendars that had it learn so)."""
    query = select(Proposal, Initiative).where(
        Initiative.ward_id == ward_id,
        Proposal.starts_at + func.make_interval(0, 0, 0, 0, 0, Proposal.duration_minutes)
        > func.now(),
    )
    events = _events(session, Initiative.ward_id == ward_id, Initiative.ends_at > func.now())
    return _soonest(_rows(session, _public(query)) + events)


def taking_part(session: Session, user_id: int) -> list:
    """What a person proposed or volunteers for, and events they organise or go to (or wait
    for a place at), from a week ago."""
    helping = select(Volunteering.proposal_id).where(
        Volunteering.user_id == user_id, Volunteering.status.in_(("active", "waiting"))
    )
    query = select(Proposal, Initiative).where(
        or_(Proposal.author_id == user_id, Proposal.id.in_(helping)),
        Proposal.starts_at > func.now() - timedelta(days=7),
    )
    going = select(Rsvp.event_id).where(
        Rsvp.user_id == user_id, Rsvp.status.in_(("going", "waiting"))
    )
    events = _events(
        session,
        or_(Initiative.author_id == user_id, Initiative.id.in_(going)),
        Initiative.ends_at > func.now() - timedelta(days=7),
    )
    return _soonest(_rows(session, _public(query)) + events)


def as_response(body: bytes, download_name: str | None = None) -> Response:
    """text/calendar; a single event downloads as a file, a feed is read in place."""
    response = Response(body, mimetype="text/calendar")
    response.charset = "utf-8"
    if download_name:
        response.headers["Content-Disposition"] = f'attachment; filename="{download_name}.ics"'
    # A minute's caching is enough for calendar apps (they poll hourly) and keeps edits fresh.
    response.cache_control.max_age = 60
    return response
