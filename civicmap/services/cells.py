"""Counting from the stored per-zoom cell counts (map_cells, kept by triggers in migrations
0003, 0005 and 0007) instead of scanning items: totals for lists, and exact counts inside a box."""

from __future__ import annotations

import math

from sqlalchemy.orm import Session

from civicmap.geo import BBox, cluster_cell

CELL_LEVELS = range(10, 19)  # the zooms stored in map_cells


COUNT_IN_BOX = """
SELECT coalesce((SELECT sum(n) FROM map_cells
                 WHERE level = %(level)s AND kind = %(kind)s AND n > 0
                   AND gx BETWEEN %(ix0)s AND %(ix1)s AND gy BETWEEN %(iy0)s AND %(iy1)s), 0)
     + (SELECT count(*) FROM initiatives i
        WHERE NOT i.hidden AND i.kind = %(kind)s
          AND i.public_location && ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326)
          AND (i.public_location && ST_MakeEnvelope(%(west)s, %(south)s, %(ix0c)s, %(north)s, 4326)
            OR i.public_location && ST_MakeEnvelope(%(ix1c)s, %(south)s, %(east)s, %(north)s, 4326)
            OR i.public_location && ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(iy0c)s, 4326)
            OR i.public_location && ST_MakeEnvelope(%(west)s, %(iy1c)s, %(east)s, %(north)s, 4326))
          AND NOT (floor(ST_X(i.public_location) / %(cell)s) BETWEEN %(ix0)s AND %(ix1)s
               AND floor(ST_Y(i.public_location) / %(cell)s) BETWEEN %(iy0)s AND %(iy1)s))"""


def count_in_box(session: Session, kind: str, box: BBox) -> int:
    """Exactly how many visible items of a kind lie in a box, without scanning them all.

    Cells wholly inside the box are counted from map_cells; only the thin border strips
    (the partly covered cells) are counted row by row, through the spatial index.
    """
    # Cells about 1/40 of the box's shorter side: few cells to add, thin strips to scan.
    side = min(box.east - box.west, box.north - box.south)
    level = min(
        max(round(math.log2(360 / 6 / (side / 40))), CELL_LEVELS.start), CELL_LEVELS.stop - 1
    )
    cell = cluster_cell(level)
    ix0, ix1 = math.ceil(box.west / cell), math.floor(box.east / cell) - 1
    iy0, iy1 = math.ceil(box.south / cell), math.floor(box.north / cell) - 1
    params = {
        "level": level,
        "kind": kind,
        "cell": cell,
        "ix0": ix0,
        "ix1": ix1,
        "iy0": iy0,
        "iy1": iy1,
        "west": box.west,
        "south": box.south,
        "east": box.east,
        "north": box.north,
        "ix0c": ix0 * cell,
        "ix1c": (ix1 + 1) * cell,
        "iy0c": iy0 * cell,
        "iy1c": (iy1 + 1) * cell,
    }
    return int(session.connection().exec_driver_sql(COUNT_IN_BOX, params).scalar_one())


def count_visible(session: Session, kinds: tuple[str, ...]) -> int:
    """How many visible items of these kinds there are (every item is in one coarsest cell)."""
    return int(
        session.connection()
        .exec_driver_sql(
            "SELECT coalesce(sum(n), 0) FROM map_cells WHERE level = %(level)s"
            " AND kind = ANY(%(kinds)s)",
            {"level": CELL_LEVELS.start, "kinds": list(kinds)},
        )
        .scalar_one()
    )
