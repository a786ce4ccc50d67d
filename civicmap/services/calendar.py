"""Proposals with a time, as iCalendar (RFC 5545, built with the icalendar library): one
proposal's file, a ward's upcoming ones, and what a person takes part in.

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
from civicmap.models import Initiative, Proposal, Volunteering

SHOWN = 500  # events in one feed at most: the next ones first


def calendar(name: str, rows: list[tuple[Proposal, Initiative]]) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//civicmap//proposals//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", current_app.config["TIMEZONE"])
    for proposal, item in rows:
        cal.add_component(_event(proposal, item))
    return cal.to_ical()


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


def upcoming_in_ward(session: Session, ward_id: int) -> list[tuple[Proposal, Initiative]]:
    """The ward's proposals that have not ended (a withdrawn one stays, as cancelled, so
    calendars that had it learn so)."""
    query = select(Proposal, Initiative).where(
        Initiative.ward_id == ward_id,
        Proposal.starts_at + func.make_interval(0, 0, 0, 0, 0, Proposal.duration_minutes)
        > func.now(),
    )
    return _rows(session, _public(query))


def taking_part(session: Session, user_id: int) -> list[tuple[Proposal, Initiative]]:
    """What a person proposed or volunteers for (or waits for a place on), from a week ago."""
    helping = select(Volunteering.proposal_id).where(
        Volunteering.user_id == user_id, Volunteering.status.in_(("active", "waiting"))
    )
    query = select(Proposal, Initiative).where(
        or_(Proposal.author_id == user_id, Proposal.id.in_(helping)),
        Proposal.starts_at > func.now() - timedelta(days=7),
    )
    return _rows(session, _public(query))


def as_response(body: bytes, download_name: str | None = None) -> Response:
    """text/calendar; a single event downloads as a file, a feed is read in place."""
    response = Response(body, mimetype="text/calendar")
    response.charset = "utf-8"
    if download_name:
        response.headers["Content-Disposition"] = f'attachment; filename="{download_name}.ics"'
    # A minute's caching is enough for calendar apps (they poll hourly) and keeps edits fresh.
    response.cache_control.max_age = 60
    return response
