"""Public features for the open-data front doors (JSON API and OGC API - Features).

One query shape for both: filters, a stable order, limit/offset, and the number matched.
Only public fields and `public_location` leave (an offer's exact point never does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import orjson
from sqlalchemy import Text, func, select
from sqlalchemy.orm import Session

from civicmap.errors import NotFound
from civicmap.geo import BBox
from civicmap.models import Initiative, Proposal, Volunteering, Ward
from civicmap.services.pins import count_in_box

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
    features: list[dict]
    matched: int


def _item_select(kind: str):
    i, w = Initiative.__table__.c, Ward.__table__.c
    return (
        select(
            i.id,
            i.kind,
            i.title,
            i.summary,
            i.description,
            i.category,
            i.status,
            i.website,
            i.offer_type,
            i.skills,
            i.availability,
            i.from_idea_id,
            i.appreciation_count,
            i.created_at,
            i.updated_at,
            func.ST_X(i.public_location).label("lon"),
            func.ST_Y(i.public_location).label("lat"),
            w.code.label("ward_code"),
            w.name.label("ward_name"),
            w.slug.label("ward_slug"),
        )
        .select_from(Initiative.__table__.join(Ward.__table__, w.id == i.ward_id))
        .where(i.hidden.is_(False), i.kind == kind)
    )


def _filtered(
    query, q: Query, location, updated, category=None, status=None, ward_slug=None, search=None
):
    if q.bbox is not None:
        query = query.where(location.op("&&")(q.bbox.envelope()))
    if q.ward is not None:
        query = query.where(ward_slug == q.ward)
    if q.category is not None and category is not None:
        query = query.where(category == q.category)
    if q.status is not None and status is not None:
        query = query.where(status == q.status)
    if q.q and search is not None:
        query = query.where(search.op("@@")(func.websearch_to_tsquery("english", q.q)))
    if q.since is not None:
        query = query.where(updated >= q.since)
    if q.until is not None:
        query = query.where(updated <= q.until)
    return query


def items(session: Session, collection: str, q: Query) -> Result:
    """Projects, ideas or offers as GeoJSON-ready feature dicts, oldest id first."""
    only_bbox = q.bbox is not None and q == Query(bbox=q.bbox, limit=q.limit, offset=q.offset)
    i, w = Initiative.__table__.c, Ward.__table__.c
    query = _filtered(
        _item_select(KIND_OF[collection]),
        q,
        i.public_location,
        i.updated_at,
        i.category,
        i.status,
        w.slug,
        i.search,
    )
    # A bbox alone is counted from the stored cell counts: exact, and fast at any size.
    matched = count_in_box(session, KIND_OF[collection], q.bbox) if only_bbox else None
    return _page(session, query, i.id, q, _item_feature, matched)


def item(session: Session, collection: str, item_id: int) -> dict:
    i = Initiative.__table__.c
    row = (
        session.execute(_item_select(KIND_OF[collection]).where(i.id == item_id)).mappings().first()
    )
    if row is None:
        raise NotFound(f"There is no {KIND_OF[collection]} with id {item_id}.")
    return _item_feature(row)


def _proposal_select():
    p, i, w = Proposal.__table__.c, Initiative.__table__.c, Ward.__table__.c
    volunteers = (
        select(func.count())
        .where(Volunteering.proposal_id == p.id, Volunteering.status == "active")
        .scalar_subquery()
    )
    return (
        select(
            p.id,
            p.action,
            p.due_on,
            p.volunteers_needed,
            p.status,
            p.created_at,
            p.updated_at,
            volunteers.label("volunteers"),
            i.id.label("item_id"),
            i.kind.label("item_kind"),
            i.title.label("item_title"),
            func.ST_X(i.public_location).label("lon"),
            func.ST_Y(i.public_location).label("lat"),
            w.code.label("ward_code"),
            w.name.label("ward_name"),
            w.slug.label("ward_slug"),
        )
        .select_from(
            Proposal.__table__.join(Initiative.__table__, i.id == p.initiative_id).join(
                Ward.__table__, w.id == i.ward_id
            )
        )
        .where(i.hidden.is_(False))
    )


def proposals(session: Session, q: Query) -> Result:
    """Proposals with volunteer counts (never who), at their item's public point."""
    p, i, w = Proposal.__table__.c, Initiative.__table__.c, Ward.__table__.c
    query = _filtered(
        _proposal_select(),
        q,
        i.public_location,
        p.updated_at,
        i.category,
        p.status,
        w.slug,
        i.search,
    )
    return _page(session, query, p.id, q, _proposal_feature)


def proposal(session: Session, proposal_id: int) -> dict:
    row = (
        session.execute(_proposal_select().where(Proposal.__table__.c.id == proposal_id))
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"There is no proposal with id {proposal_id}.")
    return _proposal_feature(row)


def _ward_select():
    w = Ward.__table__.c
    return select(
        w.id,
        w.code,
        w.name,
        w.slug,
        func.ST_AsGeoJSON(w.geom, 6).cast(Text).label("geometry"),
    )


def wards(session: Session, q: Query) -> Result:
    w = Ward.__table__.c
    query = _ward_select()
    if q.bbox is not None:
        query = query.where(func.ST_Intersects(w.geom, q.bbox.envelope()))
    if q.ward is not None:
        query = query.where(w.slug == q.ward)
    return _page(session, query, w.code, q, _ward_feature)


def ward(session: Session, code_or_slug: str) -> dict:
    w = Ward.__table__.c
    row = (
        session.execute(_ward_select().where((w.code == code_or_slug) | (w.slug == code_or_slug)))
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"There is no ward {code_or_slug}.")
    return _ward_feature(row)


def count(session: Session, collection: str) -> int:
    """How many public features a collection has (for the landing pages and tests)."""
    if collection == "wards":
        return session.scalar(select(func.count()).select_from(Ward))
    if collection == "proposals":
        return session.scalar(select(func.count()).select_from(_proposal_select().subquery()))
    return session.scalar(
        select(func.count()).select_from(_item_select(KIND_OF[collection]).subquery())
    )


def _page(session: Session, query, order, q: Query, to_feature, matched=None) -> Result:
    if matched is None:
        matched = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = session.execute(query.order_by(order).limit(q.limit).offset(q.offset)).mappings()
    return Result(features=[to_feature(r) for r in rows], matched=matched)


def _point(row) -> dict:
    return {"type": "Point", "coordinates": [round(row["lon"], 6), round(row["lat"], 6)]}


def _ward_ref(row) -> dict:
    return {"code": row["ward_code"], "name": row["ward_name"], "slug": row["ward_slug"]}


def _item_feature(row) -> dict:
    props = {
        "kind": row["kind"],
        "title": row["title"],
        "summary": row["summary"],
        "description": row["description"],
        "category": row["category"],
        "status": row["status"],
        "ward": _ward_ref(row),
        "appreciations": row["appreciation_count"],
        "created_at": row["created_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(),
    }
    if row["kind"] == "project":
        props |= {"website": row["website"], "from_idea_id": row["from_idea_id"]}
    if row["kind"] == "offer":
        props |= {
            "offer_type": row["offer_type"],
            "skills": list(row["skills"] or []),
            "availability": row["availability"],
        }
    return {"type": "Feature", "id": row["id"], "geometry": _point(row), "properties": props}


def _proposal_feature(row) -> dict:
    return {
        "type": "Feature",
        "id": row["id"],
        "geometry": _point(row),
        "properties": {
            "action": row["action"],
            "due_on": row["due_on"].isoformat() if row["due_on"] else None,
            "volunteers_needed": row["volunteers_needed"],
            "volunteers": row["volunteers"],
            "status": row["status"],
            "initiative": {
                "id": row["item_id"],
                "kind": row["item_kind"],
                "title": row["item_title"],
            },
            "ward": _ward_ref(row),
            "created_at": row["created_at"].isoformat(),
            "updated_at": row["updated_at"].isoformat(),
        },
    }


def _ward_feature(row) -> dict:
    return {
        "type": "Feature",
        "id": row["code"],
        "geometry": orjson.loads(row["geometry"]),
        "properties": {"code": row["code"], "name": row["name"], "slug": row["slug"]},
    }


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
