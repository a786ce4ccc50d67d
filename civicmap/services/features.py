"""Public features for the open-data front doors (JSON API and OGC API - Features).

One query shape for both: filters, a stable order, limit/offset, and the number matched. The
GeoJSON of each page is built by PostGIS (json_agg in one statement) and passed through as
text, so a page of 1,000 features costs no Python per feature.
Only public fields and `public_location` leave (an offer's exact point never does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civicmap.errors import NotFound
from civicmap.geo import BBox
from civicmap.models import Ward
from civicmap.services.cells import count_in_box

COLLECTIONS = ("projects", "ideas", "offers", "proposals", "wards")
KIND_OF = {"projects": "project", "ideas": "idea", "offers": "offer"}


@dataclass(frozen=True)
class Query:
    bbox: BBox | None = None
    ward: str | None = None
    category: str | None = None
    status: str | None = None
    q: str | None = None
    since: datetime | None = None  # updated at or after
    until: datetime | None = None  # updated at or before
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True)
class Result:
    features: str  # a JSON array of GeoJSON features, as text
    matched: int
    returned: int


WARD_REF = "json_build_object('code', w.code, 'name', w.name, 'slug', w.slug)"
POINT = "ST_AsGeoJSON({col}, 6)::json"
EXTRA = {
    "project": ", 'website', i.website, 'from_idea_id', i.from_idea_id",
    "idea": "",
    "offer": ", 'offer_type', i.offer_type, 'skills', i.skills, 'availability', i.availability",
}
ITEM_FEATURE = (
    "json_build_object('type', 'Feature', 'id', i.id, 'geometry', "
    + POINT.format(col="i.public_location")
    + ", 'properties', json_build_object('kind', i.kind, 'title', i.title,"
    " 'summary', i.summary, 'description', i.description, 'category', i.category,"
    " 'status', i.status, 'ward', " + WARD_REF + ", 'appreciations', i.appreciation_count,"
    " 'created_at', i.created_at, 'updated_at', i.updated_at {extra}))"
)
ITEM_FROM = (
    "FROM initiatives i JOIN wards w ON w.id = i.ward_id WHERE NOT i.hidden AND i.kind = %(kind)s"
)

PROPOSAL_FEATURE = (
    "json_build_object('type', 'Feature', 'id', p.id, 'geometry', "
    + POINT.format(col="i.public_location")
    + ", 'properties', json_build_object('action', p.action, 'due_on', p.due_on,"
    " 'volunteers_needed', p.volunteers_needed,"
    " 'volunteers', (SELECT count(*) FROM volunteerings v"
    "   WHERE v.proposal_id = p.id AND v.status = 'active'),"
    " 'status', p.status,"
    " 'initiative', json_build_object('id', i.id, 'kind', i.kind, 'title', i.title),"
    " 'ward', " + WARD_REF + ", 'created_at', p.created_at, 'updated_at', p.updated_at))"
)
PROPOSAL_FROM = (
    "FROM proposals p JOIN initiatives i ON i.id = p.initiative_id"
    " JOIN wards w ON w.id = i.ward_id WHERE NOT i.hidden"
)

WARD_FEATURE = (
    "json_build_object('type', 'Feature', 'id', w.code, 'geometry', ST_AsGeoJSON(w.geom, 6)::json,"
    " 'properties', json_build_object('code', w.code, 'name', w.name, 'slug', w.slug))"
)


def _where(q: Query, status_column: str, updated_column: str) -> str:
    """The filter clauses for a query (values go in as parameters, never into the text)."""
    parts = []
    if q.bbox is not None:
        parts.append(
            "i.public_location && ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326)"
        )
    if q.ward is not None:
        parts.append("w.slug = %(ward)s")
    if q.category is not None:
        parts.append("i.category = %(category)s")
    if q.status is not None:
        parts.append(f"{status_column} = %(status)s")
    if q.q:
        parts.append("i.search @@ websearch_to_tsquery('english', %(q)s)")
    if q.since is not None:
        parts.append(f"{updated_column} >= %(since)s")
    if q.until is not None:
        parts.append(f"{updated_column} <= %(until)s")
    return "".join(f" AND {p}" for p in parts)


def _params(q: Query, **extra) -> dict:
    params = {
        "ward": q.ward,
        "category": q.category,
        "status": q.status,
        "q": q.q,
        "since": q.since,
        "until": q.until,
        "limit": q.limit,
        "offset": q.offset,
        **extra,
    }
    if q.bbox is not None:
        params |= {
            "west": q.bbox.west,
            "south": q.bbox.south,
            "east": q.bbox.east,
            "north": q.bbox.north,
        }
    return params


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


def items(session: Session, collection: str, q: Query) -> Result:
    """A page of projects, ideas or offers, oldest id first."""
    kind = KIND_OF[collection]
    source = ITEM_FROM + _where(q, "i.status", "i.updated_at")
    # A bbox alone is counted from the stored cell counts: exact, and fast at any size.
    only_bbox = q.bbox is not None and q == Query(bbox=q.bbox, limit=q.limit, offset=q.offset)
    matched = count_in_box(session, kind, q.bbox) if only_bbox else None
    feature = ITEM_FEATURE.format(extra=EXTRA[kind])
    return _page(session, feature, source, "i.id", _params(q, kind=kind), matched)


def item(session: Session, collection: str, item_id: int) -> str:
    """One project, idea or offer as GeoJSON text."""
    kind = KIND_OF[collection]
    found = _run(
        session,
        f"SELECT coalesce(({'SELECT ' + ITEM_FEATURE.format(extra=EXTRA[kind])}"
        f" {ITEM_FROM} AND i.id = %(id)s)::text, '')",
        {"kind": kind, "id": item_id},
    )
    if not found:
        raise NotFound(f"There is no {kind} with id {item_id}.")
    return found


def proposals(session: Session, q: Query) -> Result:
    """A page of proposals, with volunteer counts (never who), at their item's public point."""
    source = PROPOSAL_FROM + _where(q, "p.status", "p.updated_at")
    return _page(session, PROPOSAL_FEATURE, source, "p.id", _params(q), None)


def proposal(session: Session, proposal_id: int) -> str:
    found = _run(
        session,
        f"SELECT coalesce((SELECT {PROPOSAL_FEATURE} {PROPOSAL_FROM} AND p.id = %(id)s)::text, '')",
        {"id": proposal_id},
    )
    if not found:
        raise NotFound(f"There is no proposal with id {proposal_id}.")
    return found


def wards(session: Session, q: Query) -> Result:
    source = "FROM wards w WHERE true"
    if q.bbox is not None:
        source += (
            " AND ST_Intersects(w.geom, ST_MakeEnvelope(%(west)s, %(south)s, %(east)s,"
            " %(north)s, 4326))"
        )
    if q.ward is not None:
        source += " AND w.slug = %(ward)s"
    return _page(session, WARD_FEATURE, source, "w.code", _params(q), None)


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
        return _run(session, f"SELECT count(*) {PROPOSAL_FROM}", {})
    return _run(session, f"SELECT count(*) {ITEM_FROM}", {"kind": KIND_OF[collection]})


def extent(session: Session) -> list[float]:
    """[west, south, east, north] of the area (all wards)."""
    box = session.execute(
        select(
            func.ST_XMin(func.ST_Extent(Ward.geom)),
            func.ST_YMin(func.ST_Extent(Ward.geom)),
            func.ST_XMax(func.ST_Extent(Ward.geom)),
            func.ST_YMax(func.ST_Extent(Ward.geom)),
        )
    ).one()
    return [round(v, 6) for v in box] if box[0] is not None else [-180.0, -90.0, 180.0, 90.0]
