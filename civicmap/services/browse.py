"""Browsing what is on the map: filters, map pins or clusters for a view, lists, near me.

The map endpoint builds its whole JSON answer in PostGIS in one query, and never answers with
more than MAX_POINTS pins: a denser view is answered with counts per grid cell instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Text, func, literal, literal_column, select, text, union_all
from sqlalchemy.orm import Session

from civicmap.errors import Invalid, InvalidParameter
from civicmap.geo import BBox, cluster_cell, make_point, metres, parse_bbox
from civicmap.models import Initiative, Postcode, Proposal, Ward
from civicmap.models.vocabulary import CATEGORIES, KINDS, STATUSES
from civicmap.services import areas

LAYERS = (*KINDS, "proposal")  # what the map can show: the three kinds and open proposals
MAX_POINTS = 1500
PAGE_SIZE = 20
ALL_STATUSES = {s for statuses in STATUSES.values() for s in statuses}


@dataclass(frozen=True)
class Filters:
    kinds: tuple[str, ...] = LAYERS
    category: str | None = None
    status: str | None = None
    ward: str | None = None  # slug
    q: str | None = None
    bbox: BBox | None = None
    zoom: int = 13

    def as_args(self) -> dict:
        """The filters as URL query arguments (for links that keep them)."""
        args = {"category": self.category, "status": self.status, "ward": self.ward, "q": self.q}
        if set(self.kinds) != set(LAYERS):
            args["kind"] = ",".join(self.kinds)
        return {k: v for k, v in args.items() if v}


def parse_filters(args) -> Filters:
    """Filters from query arguments; Invalid (400) naming the argument that is wrong."""
    # ?kind=project,idea or, from the filter form's checkboxes, ?kind=project&kind=idea
    raw = ",".join(args.getlist("kind")) if hasattr(args, "getlist") else args.get("kind") or ""
    kinds = tuple(dict.fromkeys(k for k in raw.split(",") if k)) or LAYERS
    unknown = set(kinds) - set(LAYERS)
    if unknown:
        raise InvalidParameter(
            "kind", _l("kind must be among: %(kinds)s.", kinds=", ".join(LAYERS))
        )
    category = args.get("category") or None
    if category and category not in CATEGORIES:
        raise InvalidParameter("category", _l("Unknown category."))
    status = args.get("status") or None
    if status and status not in ALL_STATUSES:
        raise InvalidParameter("status", _l("Unknown status."))
    q = (args.get("q") or "").strip() or None
    if q and len(q) > 200:
        raise InvalidParameter("q", _l("Search for at most 200 characters."))
    try:
        zoom = int(args.get("zoom", 13))
    except ValueError:
        raise InvalidParameter("zoom", _l("zoom must be a whole number from 0 to 22.")) from None
    if not 0 <= zoom <= 22:
        raise InvalidParameter("zoom", _l("zoom must be a whole number from 0 to 22."))
    return Filters(
        kinds=kinds,
        category=category,
        status=status,
        ward=(args.get("ward") or None),
        q=q,
        bbox=parse_bbox(args.get("bbox")),
        zoom=zoom,
    )


def _initiative_conditions(f: Filters, kinds: tuple[str, ...] | None = None) -> list:
    i = Initiative.__table__.c
    conditions = [i.hidden.is_(False)]
    if kinds is not None:
        conditions.append(i.kind.in_(kinds))
    if f.bbox:
        conditions.append(i.public_location.op("&&")(f.bbox.envelope()))
    if f.category:
        conditions.append(i.category == f.category)
    if f.ward:
        conditions.append(i.ward_id == select(Ward.id).where(Ward.slug == f.ward).scalar_subquery())
    if f.q:
        conditions.append(i.search.op("@@")(func.websearch_to_tsquery("english", f.q)))
    return conditions


def _hits(f: Filters):
    """One row per thing to show: id, kind, title, point, appreciations, ward, link id."""
    i = Initiative.__table__.c
    parts = []
    item_kinds = tuple(k for k in f.kinds if k in KINDS)
    if item_kinds:
        conditions = _initiative_conditions(f, item_kinds)
        if f.status:
            conditions.append(i.status == f.status)
        parts.append(
            select(
                i.id,
                i.kind,
                i.title,
                i.public_location.label("g"),
                i.appreciation_count.label("a"),
                i.ward_id,
                i.id.label("item_id"),
            ).where(*conditions)
        )
    if "proposal" in f.kinds and f.status in (None, "open"):
        p = Proposal.__table__.c
        parts.append(
            select(
                p.id,
                literal("proposal").label("kind"),
                func.left(p.action, 100).label("title"),
                i.public_location.label("g"),
                i.appreciation_count.label("a"),
                i.ward_id,
                i.id.label("item_id"),
            )
            .select_from(Proposal.__table__.join(Initiative.__table__, p.initiative_id == i.id))
            .where(p.status == "open", *_initiative_conditions(f))
        )
    if not parts:
        return None
    return (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("hits")


def map_json(session: Session, f: Filters) -> str:
    """The map's answer for a view, as JSON text built in PostGIS in one query.

    {"mode": "points", "items": [[id, kind, lon, lat, title, appreciations, ward_id, item_id]],
     "wards": {id: name}}  or, for a view denser than MAX_POINTS,
    {"mode": "clusters", "cells": [[lon, lat, count, {kind: count}]], "total": n}
    """
    hits = _hits(f)
    if hits is None:
        return '{"mode": "points", "items": [], "wards": {}}'
    bounded = select(hits.c.id).limit(MAX_POINTS + 1).subquery()
    if session.scalar(select(func.count()).select_from(bounded)) <= MAX_POINTS:
        return session.scalar(_points_json(hits))
    return session.scalar(_clusters_json(hits, cluster_cell(f.zoom)))


def _points_json(hits):
    row = literal_column(
        "json_build_array(id, kind, round(ST_X(g)::numeric, 5), round(ST_Y(g)::numeric, 5),"
        " title, a, ward_id, item_id)"
    )
    ward_names = (
        select(func.coalesce(func.json_object_agg(Ward.id, Ward.name), text("'{}'::json")))
        .where(Ward.id.in_(select(hits.c.ward_id)))
        .scalar_subquery()
    )
    return select(
        func.json_build_object(
            "mode",
            "points",
            "items",
            func.coalesce(func.json_agg(row), text("'[]'::json")),
            "wards",
            ward_names,
        ).cast(Text)
    ).select_from(hits)


def _clusters_json(hits, cell: float):
    # Sums rather than ST_Collect: a cell's centre is the mean of its points, at no memory cost.
    gx = func.floor(func.ST_X(hits.c.g) / cell).label("gx")
    gy = func.floor(func.ST_Y(hits.c.g) / cell).label("gy")
    by_kind = (
        select(
            gx,
            gy,
            hits.c.kind,
            func.count().label("n"),
            func.sum(func.ST_X(hits.c.g)).label("sx"),
            func.sum(func.ST_Y(hits.c.g)).label("sy"),
        )
        .group_by(gx, gy, hits.c.kind)
        .subquery("by_kind")
    )
    n = func.sum(by_kind.c.n)
    cells = (
        select(
            (func.sum(by_kind.c.sx) / n).label("x"),
            (func.sum(by_kind.c.sy) / n).label("y"),
            n.label("n"),
            func.json_object_agg(by_kind.c.kind, by_kind.c.n).label("k"),
        )
        .group_by(by_kind.c.gx, by_kind.c.gy)
        .subquery("cells")
    )
    row = literal_column("json_build_array(round(x::numeric, 5), round(y::numeric, 5), n, k)")
    return select(
        func.json_build_object(
            "mode",
            "clusters",
            "total",
            func.coalesce(func.sum(cells.c.n), 0),
            "cells",
            func.coalesce(func.json_agg(row), text("'[]'::json")),
        ).cast(Text)
    ).select_from(cells)


# --- lists ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int
    pages: int
    distances: dict[int, float]


def list_items(
    session: Session,
    f: Filters,
    page: int = 1,
    sort: str = "newest",
    near: tuple[float, float] | None = None,
    per_page: int = PAGE_SIZE,
) -> Page:
    """Items (projects, ideas, offers) matching the filters, newest or nearest first."""
    kinds = tuple(k for k in f.kinds if k in KINDS) or KINDS
    conditions = _initiative_conditions(f, kinds)
    if f.status:
        conditions.append(Initiative.status == f.status)
    total = session.scalar(select(func.count()).select_from(Initiative).where(*conditions))
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    query = select(Initiative).where(*conditions)
    distances: dict[int, float] = {}
    if sort == "nearest" and near:
        here = make_point(*near)
        # KNN on the GiST index: nearest first without measuring every row.
        query = query.order_by(Initiative.public_location.op("<->")(here))
    else:
        query = query.order_by(Initiative.created_at.desc(), Initiative.id.desc())
    items = list(session.scalars(query.offset((page - 1) * per_page).limit(per_page)))
    if near and items:
        here = make_point(*near)
        distances = dict(
            session.execute(
                select(Initiative.id, metres(Initiative.public_location, here)).where(
                    Initiative.id.in_([i.id for i in items])
                )
            ).all()
        )
    return Page(items=items, total=total, page=page, pages=pages, distances=distances)


def find_postcode(session: Session, postcode: str) -> tuple[float, float]:
    """(lat, lon) of a postcode centroid; Invalid if it is unknown."""
    normalised = areas.normalise_postcode(postcode)
    row = session.execute(
        select(func.ST_Y(Postcode.location), func.ST_X(Postcode.location)).where(
            Postcode.postcode == normalised
        )
    ).first()
    if row is None:
        raise Invalid("postcode", _l("We do not know the postcode %(p)s.", p=postcode.strip()))
    return float(row[0]), float(row[1])
