"""The area's local time (TIMEZONE, Europe/London by default): what people type and read."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date, format_datetime


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def local(moment: datetime) -> datetime:
    return moment.astimezone(local_zone())


def from_local(day: date, at: time) -> datetime:
    """A day and a time as people there mean them (summer time included)."""
    return datetime.combine(day, at, tzinfo=local_zone())


def end_of(period: str, now: datetime | None = None) -> datetime:
    """The end of this "week" (Sunday midnight) or "month" (its last midnight), local time."""
    today = local(now or datetime.now(local_zone())).date()
    if period == "week":
        last = today + timedelta(days=6 - today.weekday())
    else:
        following = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
        last = following - timedelta(days=1)
    return from_local(last + timedelta(days=1), time(0, 0))


def local_time(moment: datetime) -> str:
    """A moment as people there read it, in their language: "Saturday 12 December 2026, 10:30"."""
    return format_datetime(moment, "EEEE d MMMM y, HH:mm")


def short_clock(moment: datetime) -> str:
    """ "20:00", local time."""
    return format_datetime(moment, "HH:mm")


def long_date(day: date | datetime) -> str:
    """ "29 November 2026", in the reader's language (a moment: its local day)."""
    return format_date(local(day) if isinstance(day, datetime) else day, "d MMMM y")


def short_date(day: date | datetime) -> str:
    return format_date(local(day) if isinstance(day, datetime) else day, "d MMM y")


def short_time(moment: datetime) -> str:
    """ "29 Nov 2026, 16:05", local time, in the reader's language."""
    return format_datetime(moment, "d MMM y, HH:mm")
