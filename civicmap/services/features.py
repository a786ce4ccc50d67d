"""Public features for the open-data front doors (JSON API and OGC API - Features).

One query shape for both: filters, a stable order, limit/offset, and the number matched. The
GeoJSON of each page is built by PostGIS (json_agg in one statement) and passed through as
text, so a page of 1,000 features costs no Python per feature.
Only public fields and `public_location` leave (an offer's exact point never does).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from civicmap.errors import NotFound
from civicmap.filters import Filters
from civicmap.geo import ENVELOPE_SQL
from civicmap.models.vocabulary import ITEM_KIND_OF as KIND_OF
from civicmap.paging import Paging
from civicmap.services import cells
from civicmap.services.filter_sql import PROPOSALS, where


@dataclass(frozen=True)
class Result:
    features: str  # a JSON array of GeoJSON features, as text
    matched: int
    returned: int


WARD_REF = "json_build_object('code', w.code, 'name', w.name, 'slug', w.slug)"
POINT = "ST_AsGeoJSON({col}, 6)::json"
EXTRA = {
    "project": ", 'website', i.website, 'from_idea_id', i.from_idea_id,"
    " 'skills_needed', i.skills_needed",
    "idea": ", 'skills_needed', i.skills_needed",
    "offer": ", 'offer_type', i.offer_type, 'skills', i.skills, 'availability', i.availability",
    "event": ", 'starts_at', i.starts_at, 'ends_at', i.ends_at, 'online_url', i.online_url,"
    " 'capacity', i.capacity, 'accessibility', i.accessibility, 'about_id', i.about_id,"
    " 'going', (SELECT count(*) FROM rsvps r WHERE r.event_id = i.id AND r.status = 'going')",
}
ITEM_FEATURE = (
    "json_build_object('type', 'Feature', 'id', i.id, 'geometry', "
    + POINT.format(col="i.public_location")
    + ", 'properties', json_build_object('kind', i.kind, 'title', i.title,"
    " 'summary', i.summary, 'description', i.description, 'category', i.category,"
    " 'status', i.status, 'ward', " + WARD_REF + ", 'appreciations', i.appreciation_count,"
    " 'created_at', i.created_at, 'updated_at', i.updated_at,"
    " 'council_response', i.council_response {extra}))"
)
ITEM_FROM = "FROM initiatives i JOIN wards w ON w.id = i.ward_id WHERE "

PROPOSAL_FEATURE = (
    "json_build_object('type', 'Feature', 'id', p.id, 'geometry', "
    + POINT.format(col="i.public_location")
    + ", 'properties', json_build_object('action', p.action, 'due_on', p.due_on,"
    " 'volunteers_needed', p.volunteers_needed, 'skills_needed', p.skills_needed,"
    " 'volunteers', (SELECT count(*) FROM volunteerings v"
    "   WHERE v.proposal_id = p.id AND v.status = 'active'),"
    " 'status', p.status,"
    " 'initiative', json_build_object('id', i.id, 'kind', i.kind, 'title', i.title),"
    " 'starts_at', p.starts_at, 'duration_minutes', p.duration_minutes,"
    " 'meeting_place', p.meeting_place, 'council_response', p.council_response,"
    " 'ward', " + WARD_REF + ", 'created_at', p.created_at, 'updated_at', p.updated_at))"
)
PROPOSAL_FROM = (
    "FROM proposals p JOIN initiatives i ON i.id = p.initiative_id"
    " JOIN wards w ON w.id = i.ward_id WHERE "
)

WARD_FEATURE = (
    "json_build_object('type', 'Feature', 'id', w.code, 'geometry', ST_AsGeoJSON(w.geom, 6)::json,"
    " 'properties', json_build_object('code', w.code, 'name', w.name, 'slug', w.slug))"
)


def _params(paging: Paging, params: dict) -> dict:
    return params | {"limit": paging.limit, "offset": paging.offset}


def _run(session: Session, sql: str, params: dict):
    return session.connection().exec_driver_sql(sql, params).scalar_one()


def _page(
    session: Session, feature: str, source: str, order: str, params: dict, matched: int | None
) -> Result:
    page, returned = (
        session.connection()
        .exec_driver_sql(
            f"SELECT coalesce(json_agg(f ORDER BY o), '[]'::json)::text, count(*) FROM"
            f" (SELECT {feature} AS f, {order} AS o {source} ORDER BY {order}"
            f" LIMIT %(limit)s OFFSET %(offset)s) page",
            params,
        )
        .one()
    )
    if matched is None:
        matched = _run(session, f"SELECT count(*) {source}", params)
    return Result(features=page, matched=int(matched), returned=int(returned))


def items(session: Session, collection: str, f: Filters, paging: Paging) -> Result:
    """A page of projects, ideas or offers, oldest id first."""
    kind = KIND_OF[collection]
    condition, params = where(f)
    # Unfiltered, or only a bbox: counted from the stored cell counts, exact and fast at any size.
    matched = None
    if f.only_kinds_and_box:
        box = f.bbox
        matched = (
            cells.count_visible(session, (kind,))
            if box is None
            else cells.count_in_box(session, kind, box)
        )
    feature = ITEM_FEATURE.format(extra=EXTRA[kind])
    return _page(session, feature, ITEM_FROM + condition, "i.id", _params(paging, params), matched)


def item(session: Session, collection: str, item_id: int) -> str:
    """One project, idea or offer as GeoJSON text."""
    kind = KIND_OF[collection]
    found = _run(
        session,
        f"SELECT coalesce(({'SELECT ' + ITEM_FEATURE.format(extra=EXTRA[kind])}"
        f" {ITEM_FROM} NOT i.hidden AND i.kind = %(kind)s AND i.id = %(id)s)::text, '')",
        {"kind": kind, "id": item_id},
    )
    if not found:
        raise NotFound(f"There is no {kind} with id {item_id}.")
    return found


def proposals(session: Session, f: Filters, paging: Paging) -> Result:
    """A page of proposals, with volunteer counts (never who), at their item's public point."""
    condition, params = where(f, PROPOSALS)
    return _page(
        session, PROPOSAL_FEATURE, PROPOSAL_FROM + condition, "p.id", _params(paging, params), None
    )


def proposal(session: Session, proposal_id: int) -> str:
    found = _run(
        session,
        f"SELECT coalesce((SELECT {PROPOSAL_FEATURE} {PROPOSAL_FROM} NOT i.hidden"
        " AND NOT p.hidden AND p.id = %(id)s)::text, '')",
        {"id": proposal_id},
    )
    if not found:
        raise NotFound(f"There is no proposal with id {proposal_id}.")
    return found


def wards(session: Session, f: Filters, paging: Paging) -> Result:
    source, params = "FROM wards w WHERE true", {}
    if f.bbox is not None:
        source += f" AND ST_Intersects(w.geom, {ENVELOPE_SQL})"
        params |= f.bbox.params()
    if f.ward is not None:
        source += " AND w.slug = %(ward)s"
        params["ward"] = f.ward
    return _page(session, WARD_FEATURE, source, "w.code", _params(paging, params), None)


def ward(session: Session, code_or_slug: str) -> str:
    found = _run(
        session,
        f"SELECT coalesce((SELECT {WARD_FEATURE} FROM wards w"
        " WHERE w.code = %(key)s OR w.slug = %(key)s)::text, '')",
        {"key": code_or_slug},
    )
    if not found:
        raise NotFound(f"There is no ward {code_or_slug}.")
    return found


def count(session: Session, collection: str) -> int:
    """How many public features a collection has (for the landing pages and tests)."""
    if collection == "wards":
        return _run(session, "SELECT count(*) FROM wards", {})
    if collection == "proposals":
        return _run(session, f"SELECT count(*) {PROPOSAL_FROM} NOT i.hidden AND NOT p.hidden", {})
    return cells.count_visible(session, (KIND_OF[collection],))
