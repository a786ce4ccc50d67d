"""The map's pins for a view: points, or grid clusters when the view holds more than MAX_POINTS
items, with the JSON written by PostgreSQL.

Unfiltered views first read the precomputed per-zoom cell counts (map_cells, kept by triggers,
migrations 0003 and 0007): a dense view is answered from them alone, a sparse one then reads its
pins. Filtered views are one statement that counts and clusters live, since their counts cannot
be known ahead. The SQL is plain text with parameters, one text per shape of request, built once
per shape, so a request spends its time in PostgreSQL, not in building queries.
"""

from __future__ import annotations

import math
from functools import lru_cache

from sqlalchemy.orm import Session

from civicmap.extensions import read_connection
from civicmap.filters import Filters
from civicmap.geo import cluster_cell
from civicmap.services import filter_sql
from civicmap.services.cells import CELL_LEVELS

MAX_POINTS = 1500
EMPTY = '{"mode": "points", "items": [], "wards": {}}'

ITEMS = """
  SELECT i.id, i.kind, i.title, i.public_location AS g, i.appreciation_count AS a, i.ward_id,
         i.id AS item_id
  FROM initiatives i
  WHERE {where}"""

OPEN_PROPOSALS = """
  SELECT p.id, 'proposal' AS kind, left(p.action, 100) AS title, i.public_location AS g,
         i.appreciation_count AS a, i.ward_id, i.id AS item_id
  FROM proposals p JOIN initiatives i ON i.id = p.initiative_id
  WHERE p.status = 'open' AND {where}"""

# Both answers are written as text rather than with json_agg/json_build_array: measured 1.7x
# faster for the ~400 cells of a ward view and 1.2x for ~600 pins, where building the JSON was
# most of the statement's time. Only numbers and kind names (a CHECK-constrained vocabulary, plus
# "proposal") are written raw; titles and ward names go through to_json, which escapes them.
# Coordinates are rounded as floats (~1 m), which PostgreSQL prints in their shortest form.
POINTS_JSON = """'{"mode": "points", "items": ['
    || coalesce(string_agg(concat('[', id, ',"', kind, '",', round(ST_X(g) * 1e5) / 1e5, ',',
                                  round(ST_Y(g) * 1e5) / 1e5, ',', to_json(title), ',', a, ',',
                                  ward_id, ',', item_id, ']'), ','), '')
    || '], "wards": ' || (SELECT coalesce(json_object_agg(w.id, w.name), '{}'::json) FROM wards w
                          WHERE w.id IN (SELECT ward_id FROM hits))::text || '}'"""

CLUSTERS_FROM = """
  FROM (SELECT sum(sx) / sum(n) AS x, sum(sy) / sum(n) AS y, sum(n) AS n,
               string_agg(concat('"', kind, '":', n), ',' ORDER BY kind) AS k
        FROM cells GROUP BY gx, gy) c"""

CLUSTERS_JSON = """'{"mode": "clusters", "cell": ' || %(cell)s::float8 || ', "total": '
    || coalesce(sum(n), 0) || ', "cells": ['
    || coalesce(string_agg(concat('[', round(x * 1e5) / 1e5, ',', round(y * 1e5) / 1e5, ',', n,
                                  ',{', k, '}]'), ','), '') || ']}'"""

LIVE_CELLS = """
  SELECT floor(ST_X(g) / %(cell)s)::int AS gx, floor(ST_Y(g) / %(cell)s)::int AS gy, kind,
         count(*) AS n, sum(ST_X(g)) AS sx, sum(ST_Y(g)) AS sy
  FROM ({source}) s GROUP BY 1, 2, 3"""

STORED_CELLS = """
  SELECT gx, gy, kind, n, sx, sy FROM map_cells
  WHERE level = %(level)s AND gx BETWEEN %(gx0)s AND %(gx1)s AND gy BETWEEN %(gy0)s AND %(gy1)s
    AND kind = ANY(%(kinds)s) AND n > 0"""


def map_json(session: Session, f: Filters, zoom: int) -> str:
    """The map's answer for a view (f.bbox) at a zoom, as JSON text.

    {"mode": "points", "items": [[id, kind, lon, lat, title, appreciations, ward_id, item_id]],
     "wards": {id: name}}  or, for a view denser than MAX_POINTS,
    {"mode": "clusters", "cell": degrees, "cells": [[lon, lat, count, {kind: count}]], "total": n}
    (`cell`: the grid's size, so the page can keep each cluster's icon inside its own cell)
    """
    with_proposals = f.open_proposals
    if not f.item_kinds and not with_proposals:
        return EMPTY
    item_where, params = filter_sql.where(f) if f.item_kinds else ("", {})
    proposal_where = ""
    if with_proposals:  # the layer of open proposals states its own status
        proposal_where, proposal_params = filter_sql.where(f, filter_sql.PROPOSALS, status=False)
        params |= proposal_params
    stored = f.only_kinds_and_box and zoom in CELL_LEVELS and f.bbox is not None
    cell = cluster_cell(zoom if stored else min(max(zoom, CELL_LEVELS.start), 22))
    params |= {"max": MAX_POINTS, "cell": cell, "level": zoom, "kinds": list(f.item_kinds)}
    if f.bbox:
        box = f.bbox
        params |= {
            "gx0": math.floor(box.west / cell),
            "gx1": math.floor(box.east / cell),
            "gy0": math.floor(box.south / cell),
            "gy1": math.floor(box.north / cell),
        }
    connection = read_connection(session)
    if not stored:
        sql = _statement(item_where, proposal_where, "live")
        return connection.exec_driver_sql(sql, params).scalar_one()
    # Unfiltered: the stored counts decide, and answer, without touching the items table; only
    # a view sparse enough for pins reads the items (a second, small statement).
    sql = _statement(item_where, proposal_where, "stored")
    total, clusters = connection.exec_driver_sql(sql, params).one()
    if total > MAX_POINTS:
        return clusters
    points = _statement(item_where, proposal_where, "points")
    return connection.exec_driver_sql(points, params).scalar_one()


@lru_cache(maxsize=128)
def _statement(item_where: str, proposal_where: str, shape: str) -> str:
    """The SQL text for one shape of request (cached: there are only a few dozen shapes).

    `item_where` and `proposal_where` are the filters' conditions, empty for a layer not asked
    for. "stored": (total, clusters JSON) from map_cells; "points": the pins JSON; "live": one
    statement that answers pins, or clusters counted live when there are too many for pins.
    """
    if shape == "stored":
        cell_parts = [STORED_CELLS] if item_where else []
        if proposal_where:
            cell_parts.append(LIVE_CELLS.format(source=OPEN_PROPOSALS.format(where=proposal_where)))
        cells = " UNION ALL ".join(cell_parts)
        return (
            f"WITH cells AS ({cells})\nSELECT coalesce(sum(n), 0), {CLUSTERS_JSON} {CLUSTERS_FROM}"
        )
    parts = []
    if item_where:
        parts.append(ITEMS.format(where=item_where))
    if proposal_where:
        parts.append(OPEN_PROPOSALS.format(where=proposal_where))
    hits = " UNION ALL ".join(parts)
    if shape == "points":
        return f"WITH hits AS ({hits})\nSELECT {POINTS_JSON} FROM hits"
    cells = LIVE_CELLS.format(source="SELECT * FROM hits")
    dense = "(SELECT count(*) FROM (SELECT 1 FROM hits LIMIT %(max)s + 1) b) > %(max)s"
    # PostgreSQL evaluates only the branch it takes.
    return (
        f"WITH hits AS ({hits}), cells AS ({cells})\n"
        f"SELECT CASE WHEN {dense} THEN (SELECT {CLUSTERS_JSON} {CLUSTERS_FROM})"
        f" ELSE (SELECT {POINTS_JSON} FROM hits) END"
    )
