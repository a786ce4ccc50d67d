"""Small named validators for query parameters shared by the API and OGC endpoints."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l

from civicmap.errors import InvalidParameter

MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000


def parse_int(value, name: str, default: int, low: int, high: int) -> int:
    if value in (None, ""):
        return default
    # int() also reads other scripts' digits, "+5" and " 5 ": only plain ASCII numbers here.
    if not re.fullmatch(r"-?[0-9]{1,12}", str(value)):
        raise InvalidParameter(name, _l("%(name)s must be a whole number.", name=name))
    number = int(value)
    if not low <= number <= high:
        raise InvalidParameter(
            name,
            _l("%(name)s must be between %(low)s and %(high)s.", name=name, low=low, high=high),
        )
    return number


def parse_instant(value: str, name: str) -> datetime:
    """An RFC 3339 date-time (a bare date means its midnight, UTC)."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidParameter(
            name, _l("%(name)s must be a date or date-time like 2026-05-01T12:00:00Z.", name=name)
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_interval(value: str | None, name: str = "datetime"):
    """OGC `datetime`: an instant, or 'start/end' with '..' (or nothing) for an open end.

    Returns (start, end); either may be None. An instant is (t, t).
    """
    if value is None or not value.strip():
        return None, None
    if "/" not in value:
        instant = parse_instant(value, name)
        return instant, instant
    start_text, _, end_text = value.partition("/")
    start = None if start_text in ("", "..") else parse_instant(start_text, name)
    end = None if end_text in ("", "..") else parse_instant(end_text, name)
    if start and end and start > end:
        raise InvalidParameter(name, _l("%(name)s must start before it ends.", name=name))
    return start, end
