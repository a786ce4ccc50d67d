"""Which items? One answer for the map, the list, the JSON API, OGC API - Features and the
exports: the `Filters` value, the one parser of request arguments into it, and the description
of each argument that the OpenAPI document is generated from.

A surface says what it can be asked (a `Scope`: its kinds, its statuses, its arguments); the
parser refuses anything else with the same RFC 9457 problem everywhere. The SQL that filters
become is written in one place too: services/filter_sql.py. A new filter is a field here, an
`Argument` below and a clause there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from civicmap.errors import InvalidParameter
from civicmap.geo import BBOX_PATTERN, BBox, parse_bbox
from civicmap.models.vocabulary import CATEGORIES, KINDS, LAYERS, PROPOSAL_STATUSES, STATUSES
from civicmap.params import parse_instant, parse_interval

MAX_TEXT = 200


@dataclass(frozen=True)
class Filters:
    """What narrows the items asked for; the defaults narrow nothing."""

    kinds: tuple[str, ...] = LAYERS  # project, idea, offer; "proposal" for open proposals
    bbox: BBox | None = None
    ward: str | None = None  # a ward's slug
    category: str | None = None
    status: str | None = None
    q: str | None = None  # words to search for
    skill: str | None = None  # offered or needed (tidied here, its synonym resolved in SQL)
    when: str | None = None  # "week" or "month": events (and proposals) happening this week/month
    since: datetime | None = None  # updated at or after
    until: datetime | None = None  # updated at or before

    @property
    def only_kinds_and_box(self) -> bool:
        """True when nothing but kinds and a box narrows the items: the stored cell counts
        (map_cells) can then answer instead of the items table. Written over the fields, so a
        filter added later can never be silently ignored by the fast path."""
        return all(
            getattr(self, f.name) == f.default for f in fields(self) if f.name not in _CELLS_KNOW
        )

    @property
    def item_kinds(self) -> tuple[str, ...]:
        """The kinds of item (not proposals) asked for."""
        return tuple(k for k in self.kinds if k in KINDS)

    @property
    def open_proposals(self) -> bool:
        """Whether the layer of open proposals is asked for (a status other than "open" is
        about items only)."""
        return "proposal" in self.kinds and self.status in (None, "open")


_CELLS_KNOW = ("kinds", "bbox")


@dataclass(frozen=True)
class Scope:
    """What one surface can be asked: the kinds it holds (also the default), the statuses its
    `status` means, and which arguments it reads."""

    kinds: tuple[str, ...]
    statuses: tuple[str, ...]
    arguments: tuple[str, ...]


WHEN = ("week", "month")
ITEM_STATUSES = tuple(dict.fromkeys(s for statuses in STATUSES.values() for s in statuses))
ITEM_ARGUMENTS = ("bbox", "ward", "category", "status", "q", "skill", "datetime")

MAP = Scope(LAYERS, ITEM_STATUSES, ("kind", *ITEM_ARGUMENTS, "when"))
EXPORT = Scope(tuple(KINDS), ITEM_STATUSES, ("kind", *ITEM_ARGUMENTS, "when"))
API_ARGUMENTS = (*ITEM_ARGUMENTS, "updated_since")
COLLECTIONS = {
    "projects": Scope(("project",), tuple(STATUSES["project"]), API_ARGUMENTS),
    "ideas": Scope(("idea",), tuple(STATUSES["idea"]), API_ARGUMENTS),
    "offers": Scope(("offer",), tuple(STATUSES["offer"]), API_ARGUMENTS),
    "events": Scope(("event",), tuple(STATUSES["event"]), (*API_ARGUMENTS, "when")),
    "proposals": Scope(("proposal",), tuple(PROPOSAL_STATUSES), (*API_ARGUMENTS, "when")),
    "wards": Scope((), (), ("bbox", "ward")),
}


@dataclass(frozen=True)
class Argument:
    """One query argument: how to read it into Filters fields, and its OpenAPI description."""

    name: str
    description: str
    read: Callable[[Any, Scope], dict]  # (request args, scope) -> Filters fields
    schema: Callable[[Scope], dict] = field(default=lambda scope: {"type": "string"})


def _kinds(args, scope: Scope) -> dict:
    # ?kind=project,idea or, from the filter form's checkboxes, ?kind=project&kind=idea
    raw = ",".join(args.getlist("kind")) if hasattr(args, "getlist") else args.get("kind") or ""
    kinds = tuple(dict.fromkeys(k.strip() for k in raw.split(",") if k.strip()))
    if not kinds:
        return {}
    if set(kinds) - set(scope.kinds):
        raise InvalidParameter(
            "kind", _l("kind must be among: %(kinds)s.", kinds=", ".join(scope.kinds))
        )
    return {"kinds": kinds}


def _choice(name: str, allowed: Callable[[Scope], tuple[str, ...]], message) -> Callable:
    def read(args, scope: Scope) -> dict:
        value = (args.get(name) or "").strip() or None
        if value is not None and value not in allowed(scope):
            raise InvalidParameter(name, message)
        return {name: value} if value else {}

    return read


def _text(args, scope: Scope) -> dict:
    q = " ".join((args.get("q") or "").split()) or None
    if q and len(q) > MAX_TEXT:
        raise InvalidParameter("q", _l("Search for at most %(n)s characters.", n=MAX_TEXT))
    return {"q": q} if q else {}


def _skill(args, scope: Scope) -> dict:
    from civicmap.services.skills import MAX_TAG_LENGTH, tidy

    skill = tidy(args.get("skill") or "") or None
    if skill and len(skill) > MAX_TAG_LENGTH:
        raise InvalidParameter(
            "skill", _l("A skill has at most %(n)s characters.", n=MAX_TAG_LENGTH)
        )
    return {"skill": skill} if skill else {}


def _ward(args, scope: Scope) -> dict:
    ward = (args.get("ward") or "").strip() or None
    if ward and len(ward) > 100:
        raise InvalidParameter("ward", _l("There is no ward called that."))
    return {"ward": ward} if ward else {}


def _interval(args, scope: Scope) -> dict:
    since, until = parse_interval(args.get("datetime"))
    return {k: v for k, v in (("since", since), ("until", until)) if v is not None}


def _updated_since(args, scope: Scope) -> dict:
    value = args.get("updated_since")
    return {"since": parse_instant(value, "updated_since")} if value and value.strip() else {}


ARGUMENTS = {
    a.name: a
    for a in (
        Argument(
            "kind",
            "Only these kinds, separated by commas.",
            _kinds,
            lambda scope: {"type": "string", "examples": [",".join(scope.kinds)]},
        ),
        Argument(
            "bbox",
            "Only features inside this box: west,south,east,north in WGS84 degrees.",
            lambda args, scope: {"bbox": parse_bbox(args.get("bbox"))} if args.get("bbox") else {},
            lambda scope: {
                "type": "string",
                "pattern": BBOX_PATTERN,
                "maxLength": 200,
                "examples": ["-0.13,51.45,-0.10,51.47"],
            },
        ),
        Argument(
            "ward",
            "A ward's slug.",
            _ward,
            lambda scope: {"type": "string", "maxLength": 100},
        ),
        Argument(
            "category",
            "One category.",
            _choice("category", lambda scope: tuple(CATEGORIES), _l("Unknown category.")),
            lambda scope: {"type": "string", "enum": list(CATEGORIES)},
        ),
        Argument(
            "status",
            "One status.",
            _choice("status", lambda scope: scope.statuses, _l("Unknown status.")),
            lambda scope: {"type": "string", "enum": list(scope.statuses)},
        ),
        Argument(
            "q",
            "Words to search for.",
            _text,
            lambda scope: {"type": "string", "maxLength": MAX_TEXT},
        ),
        Argument(
            "skill",
            "Only what offers or needs this skill (proposals: needs it). Synonyms count:"
            " 'handy person' finds 'diy'.",
            _skill,
            lambda scope: {"type": "string", "maxLength": 40, "examples": ["carpentry"]},
        ),
        Argument(
            "when",
            "Only what happens this week (to Sunday night) or this month (to its last night),"
            " local time, and has not ended: events, and proposals with a time.",
            _choice("when", lambda scope: WHEN, _l("when must be 'week' or 'month'.")),
            lambda scope: {"type": "string", "enum": list(WHEN)},
        ),
        Argument(
            "datetime",
            "Only features updated at this RFC 3339 time or in this interval ('start/end', '..'"
            " for an open end).",
            _interval,
            lambda scope: {"type": "string", "examples": ["2026-01-01T00:00:00Z/.."]},
        ),
        Argument(
            "updated_since",
            "Only features updated at or after this RFC 3339 time.",
            _updated_since,
            lambda scope: {"type": "string", "format": "date-time"},
        ),
    )
}


def parse_filters(args, scope: Scope = MAP) -> Filters:
    """Filters from query arguments; InvalidParameter (400) naming the argument that is wrong.

    Arguments the scope does not read are ignored, as unknown ones are.
    """
    values: dict = {"kinds": scope.kinds}
    for name in scope.arguments:
        found = ARGUMENTS[name].read(args, scope)
        if "since" in found and "since" in values:  # datetime and updated_since: the later
            found["since"] = max(found["since"], values["since"])
        values |= found
    if values.get("since") and values.get("until") and values["since"] > values["until"]:
        raise InvalidParameter("datetime", _l("The time interval must start before it ends."))
    return Filters(**values)


def openapi_parameters(scope: Scope) -> list[dict]:
    """The OpenAPI 3.1 query parameters of a surface, from the same table the parser reads."""
    return [
        {
            "name": name,
            "in": "query",
            "required": False,
            "description": ARGUMENTS[name].description,
            "schema": ARGUMENTS[name].schema(scope),
        }
        for name in scope.arguments
        if name != "kind" or len(scope.kinds) > 1
    ]
