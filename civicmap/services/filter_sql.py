"""Filters as SQL: the one place that turns `Filters` into WHERE clauses over `initiatives i`
(joined by `proposals p` for proposals), with every value a bound parameter in psycopg's
`%(name)s` style, never in the text.

The text depends only on which filters are set, not on their values, so the statements built
from it are few, cacheable, and stay prepared on the server.
"""

from __future__ import annotations

from dataclasses import dataclass

from civicmap import clock
from civicmap.filters import Filters
from civicmap.geo import ENVELOPE_SQL


@dataclass(frozen=True)
class Subject:
    """What is being filtered: its status and last-updated columns, and whether `i.kind`
    narrows it (proposals belong to projects and ideas and have no kind of their own)."""

    status: str
    updated: str
    has_kind: bool
    public: str  # the condition for what the public may see
    skill: str  # the condition for ?skill=
    when: str  # the condition for ?when= (happening before %(when_until)s, not yet ended)


# The skill asked for, in the words of the synonyms table (migration 0023).
SKILL = "ARRAY[civicmap_skill(%(skill)s)]::varchar[]"


ITEMS = Subject(
    status="i.status",
    updated="i.updated_at",
    has_kind=True,
    public="NOT i.hidden",
    skill=f"(i.skills @> {SKILL} OR i.skills_needed @> {SKILL})",
    when="i.kind = 'event' AND i.ends_at > now() AND i.starts_at < %(when_until)s",
)
PROPOSALS = Subject(
    status="p.status",
    updated="p.updated_at",
    has_kind=False,
    public="NOT i.hidden AND NOT p.hidden",
    skill=f"p.skills_needed @> {SKILL}",
    when="p.starts_at < %(when_until)s"
    " AND p.starts_at + make_interval(mins => p.duration_minutes) > now()",
)

IN_BOX = f"i.public_location && {ENVELOPE_SQL}"
CLAUSES = {
    "ward": "i.ward_id = (SELECT id FROM wards WHERE slug = %(ward)s)",
    "category": "i.category = %(category)s",
    "q": "i.search @@ websearch_to_tsquery('civicmap', %(q)s)",
}


def where(f: Filters, subject: Subject = ITEMS, *, status: bool = True) -> tuple[str, dict]:
    """(SQL condition, parameters) for the public items (or proposals) the filters ask for.

    `status=False` leaves the status out, for a caller that states it itself (the map's
    layer of open proposals).
    """
    clauses = [subject.public]
    params: dict = {}
    if subject.has_kind:
        clauses.append("i.kind = ANY(%(kinds)s)")
        params["kinds"] = list(f.item_kinds)
    if f.bbox is not None:
        clauses.append(IN_BOX)
        params |= f.bbox.params()
    for name, clause in CLAUSES.items():
        if getattr(f, name):
            clauses.append(clause)
            params[name] = getattr(f, name)
    if f.skill:
        clauses.append(subject.skill)
        params["skill"] = f.skill
    if f.when:
        clauses.append(subject.when)
        params["when_until"] = clock.end_of(f.when)
    if f.status and status:
        clauses.append(f"{subject.status} = %(status)s")
        params["status"] = f.status
    if f.since is not None:
        clauses.append(f"{subject.updated} >= %(since)s")
        params["since"] = f.since
    if f.until is not None:
        clauses.append(f"{subject.updated} <= %(until)s")
        params["until"] = f.until
    return " AND ".join(clauses), params
