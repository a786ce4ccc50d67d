"""The map's pins for a view: one SQL statement that answers points, or grid clusters when the
view holds more than MAX_POINTS items, with the JSON built in PostGIS.

Wide unfiltered views read the precomputed per-zoom cell counts (map_cells, kept by triggers,
migration 0003); filtered ones are clustered live, since their counts cannot be known ahead.
The SQL is plain text with parameters, one text per shape of filters, so the driver prepares
it once per connection and a request spends its time in PostgreSQL, not in building queries.
"""

from __future__ import annotations

import math
from functools import lru_cache

from sqlalchemy.orm import Session

from civicmap.geo import cluster_cell
from civicmap.models.vocabulary import KINDS
from civicmap.services.browse import Filters
from civicmap.services.cells import CELL_LEVELS

MAX_POINTS = 1500
EMPTY = '{"mode": "points", "items": [], "wards": {}}'

ITEMS = """
  SELECT i.id, i.kind, i.title, i.public_location AS g, i.appreciation_count AS a, i.ward_id,
         i.id AS item_id
  FROM initiatives i
  WHERE NOT i.hidden AND i.kind = ANY(%(kinds)s) {filters} {status}"""

PROPOSALS = """
  SELECT p.id, 'proposal' AS kind, left(p.action, 100) AS title, i.public_location AS g,
         i.appreciation_count AS a, i.ward_id, i.id AS item_id
  FROM proposals p JOIN initiatives i ON i.id = p.initiative_id
  WHERE p.status = 'open' AND NOT i.hidden {filters}"""

FILTERS = {
    "bbox": "i.public_location && ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326)",
    "category": "i.category = %(category)s",
    "ward": "i.ward_id = (SELECT id FROM wards WHERE slug = %(ward)s)",
    "q": "i.search @@ websearch_to_tsquery('english', %(q)s)",
}

POINTS_JSON = """(SELECT json_build_object(
    'mode', 'points',
    'items', coalesce(json_agg(json_build_array(id, kind, round(ST_X(g) * 1e5) / 1e5,
                      round(ST_Y(g) * 1e5) / 1e5, title, a, ward_id, item_id)), '[]'::json),
    'wards', (SELECT coalesce(json_object_agg(w.id, w.name), '{}'::json) FROM wards w
              WHERE w.id IN (SELECT ward_id FROM hits)))::text FROM hits)"""

# Clusters hold only numbers and kind names (a CHECK-constrained vocabulary, plus "proposal"),
# so their JSON is written as text: measured 1.7x faster than json_agg/json_object_agg for the
# ~400 cells of a ward view, where building the JSON was most of the statement's time.
# Coordinates are rounded as floats (~1 m), which PostgreSQL prints in their shortest form.
CLUSTERS_FROM = """
  FROM (SELECT sum(sx) / sum(n) AS x, sum(sy) / sum(n) AS y, sum(n) AS n,
               string_agg(concat('"', kind, '":', n), ',' ORDER BY kind) AS k
        FROM cells GROUP BY gx, gy) c"""

CLUSTERS_JSON = """'{"mode": "clusters", "total": ' || coalesce(sum(n), 0) || ', "cells": ['
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


def map_json(session: Session, f: Filters) -> str:
    """The map's answer for a view, as JSON text.

    {"mode": "points", "items": [[id, kind, lon, lat, title, appreciations, ward_id, item_id]],
     "wards": {id: name}}  or, for a view denser than MAX_POINTS,
    {"mode": "clusters", "cells": [[lon, lat, count, {kind: count}]], "total": n}
    """
    item_kinds = [k for k in f.kinds if k in KINDS]
    with_proposals = "proposal" in f.kinds and f.status in (None, "open")
    if not item_kinds and not with_proposals:
        return EMPTY
    present = tuple(name for name in FILTERS if getattr(f, name))
    stored = not (f.category or f.status or f.ward or f.q) and f.zoom in CELL_LEVELS and f.bbox
    sql = _statement(bool(item_kinds), with_proposals, present, bool(f.status), bool(stored))
    cell = cluster_cell(f.zoom if stored else min(max(f.zoom, CELL_LEVELS.start), 22))
    params = {
        "kinds": item_kinds,
        "max": MAX_POINTS,
        "cell": cell,
        "level": f.zoom,
        "category": f.category,
        "status": f.status,
        "ward": f.ward,
        "q": f.q,
    }
    if f.bbox:
        box = f.bbox
        params |= {
            "west": box.west,
            "south": box.south,
            "east": box.east,
            "north": box.north,
            "gx0": math.floor(box.west / cell),
            "gx1": math.floor(box.east / cell),
            "gy0": math.floor(box.south / cell),
            "gy1": math.floor(box.north / cell),
        }
    connection = session.connection()
    if not stored:
        return connection.exec_driver_sql(sql, params).scalar_one()
    # Unfiltered: the stored counts decide, and answer, without touching the items table; only
    # a view sparse enough for pins reads the items (a second, small statement).
    total, clusters = connection.exec_driver_sql(sql, params).one()
    if total > MAX_POINTS:
        return clusters
    points = _statement(bool(item_kinds), with_proposals, present, bool(f.status), False)
    return connection.exec_driver_sql(points, params).scalar_one()


@lru_cache(maxsize=128)
def _statement(
    items: bool, proposals: bool, present: tuple[str, ...], status: bool, stored: bool
) -> str:
    """The SQL text for one shape of request (cached: there are only a few dozen shapes).

    Stored: (total, clusters JSON) from map_cells. Otherwise one statement that answers points,
    or clusters counted live when the matching items are too many for pins.
    """
    filters = "".join(f" AND {FILTERS[name]}" for name in present)
    if stored:
        cell_parts = [STORED_CELLS] if items else []
        if proposals:
            cell_parts.append(LIVE_CELLS.format(source=PROPOSALS.format(filters=filters)))
        cells = " UNION ALL ".join(cell_parts)
        return (
            f"WITH cells AS ({cells})\nSELECT coalesce(sum(n), 0), {CLUSTERS_JSON} {CLUSTERS_FROM}"
        )
    parts = []
    if items:
        parts.append(
            ITEMS.format(filters=filters, status="AND i.status = %(status)s" if status else "")
        )
    if proposals:
        parts.append(PROPOSALS.format(filters=filters))
    hits = " UNION ALL ".join(parts)
    cells = LIVE_CELLS.format(source="SELECT * FROM hits")
    dense = "(SELECT count(*) FROM (SELECT 1 FROM hits LIMIT %(max)s + 1) b) > %(max)s"
    # PostgreSQL evaluates only the branch it takes.
    return (
        f"WITH hits AS ({hits}), cells AS ({cells})\n"
        f"SELECT CASE WHEN {dense} THEN (SELECT {CLUSTERS_JSON} {CLUSTERS_FROM})"
        f" ELSE {POINTS_JSON} END"
    )
