"""The map's pins for a view: one SQL statement that answers points, or grid clusters when the
view holds more than MAX_POINTS items, with the JSON built in PostGIS.

Wide unfiltered views read the precomputed per-zoom cell counts (map_cells, kept by triggers);
filtered ones are clustered live, since their counts cannot be known in advance.
"""

from __future__ import annotations

import math

from sqlalchemy import Integer, Text, case, func, literal, literal_column, select, text, union_all
from sqlalchemy.orm import Session

from civicmap.geo import cluster_cell
from civicmap.models import Initiative, MapCell, Proposal, Ward
from civicmap.models.vocabulary import KINDS
from civicmap.services.browse import Filters, initiative_conditions

MAX_POINTS = 1500
CELL_LEVELS = range(10, 18)  # the zooms precomputed in map_cells (migration 0003)
EMPTY = '{"mode": "points", "items": [], "wards": {}}'


def map_json(session: Session, f: Filters) -> str:
    """The map's answer for a view, as JSON text.

    {"mode": "points", "items": [[id, kind, lon, lat, title, appreciations, ward_id, item_id]],
     "wards": {id: name}}  or, for a view denser than MAX_POINTS,
    {"mode": "clusters", "cells": [[lon, lat, count, {kind: count}]], "total": n}
    """
    hits = _hits(f)
    if hits is None:
        return EMPTY
    bounded = (
        select(func.count())
        .select_from(select(hits.c.id).limit(MAX_POINTS + 1).subquery())
        .scalar_subquery()
    )
    # PostgreSQL runs only the branch it takes: the other subquery is never evaluated.
    answer = case(
        (bounded <= MAX_POINTS, _points_json(hits).scalar_subquery()),
        else_=_clusters_json(_cells(f, hits)).scalar_subquery(),
    )
    return session.scalar(select(answer))


def _hits(f: Filters):
    """One row per thing to show: id, kind, title, point, appreciations, ward, link id."""
    i = Initiative.__table__.c
    parts = []
    item_kinds = tuple(k for k in f.kinds if k in KINDS)
    if item_kinds:
        conditions = initiative_conditions(f, item_kinds)
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
        parts.append(_open_proposals(f))
    if not parts:
        return None
    return (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("hits")


def _open_proposals(f: Filters):
    p, i = Proposal.__table__.c, Initiative.__table__.c
    return (
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
        .where(p.status == "open", *initiative_conditions(f))
    )


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


def _cells(f: Filters, hits):
    """Rows of (gx, gy, kind, n, sx, sy) for the view's grid cells."""
    level = min(max(f.zoom, CELL_LEVELS.start), CELL_LEVELS.stop - 1)
    cell = cluster_cell(level)
    unfiltered = not (f.category or f.status or f.ward or f.q)
    item_kinds = tuple(k for k in f.kinds if k in KINDS)
    if not (unfiltered and f.bbox and f.zoom in CELL_LEVELS):
        return _live_cells(hits, cell)
    m = MapCell.__table__.c
    box = f.bbox
    precomputed = select(m.gx, m.gy, m.kind, m.n, m.sx, m.sy).where(
        m.level == level,
        m.gx.between(math.floor(box.west / cell), math.floor(box.east / cell)),
        m.gy.between(math.floor(box.south / cell), math.floor(box.north / cell)),
        m.kind.in_(item_kinds or ("",)),
        m.n > 0,
    )
    if "proposal" not in f.kinds:
        return precomputed.subquery("by_kind")
    proposals = _open_proposals(f).subquery("open_proposals")
    return union_all(precomputed, _live_cells(proposals, cell, as_subquery=False)).subquery(
        "by_kind"
    )


def _live_cells(hits, cell: float, as_subquery: bool = True):
    # Sums rather than ST_Collect: a cell's centre is the mean of its points, at no memory cost.
    gx = func.floor(func.ST_X(hits.c.g) / cell).cast(Integer).label("gx")
    gy = func.floor(func.ST_Y(hits.c.g) / cell).cast(Integer).label("gy")
    grouped = select(
        gx,
        gy,
        hits.c.kind,
        func.count().label("n"),
        func.sum(func.ST_X(hits.c.g)).label("sx"),
        func.sum(func.ST_Y(hits.c.g)).label("sy"),
    ).group_by(gx, gy, hits.c.kind)
    return grouped.subquery("by_kind") if as_subquery else grouped


def _clusters_json(by_kind):
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
