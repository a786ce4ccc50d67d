"""Store cell counts at zoom 18 too: at a million items a street view still holds thousands.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _levels(high: int) -> str:
    return f"""
CREATE OR REPLACE FUNCTION civicmap_cell_levels() RETURNS TABLE (level smallint, cell float8)
LANGUAGE sql IMMUTABLE AS $$
  SELECT z::smallint, 360.0 / (2 ^ z) / 6 FROM generate_series(10, {high}) AS z
$$;"""


def upgrade():
    op.execute(_levels(18))
    op.execute(
        "INSERT INTO map_cells (level, kind, gx, gy, n, sx, sy)"
        " SELECT 18, kind, floor(ST_X(public_location) / c)::int,"
        " floor(ST_Y(public_location) / c)::int, count(*), sum(ST_X(public_location)),"
        " sum(ST_Y(public_location))"
        " FROM initiatives, (SELECT 360.0 / (2 ^ 18) / 6 AS c) s WHERE NOT hidden"
        " GROUP BY 1, 2, 3, 4"
    )


def downgrade():
    op.execute(_levels(17))
    op.execute("DELETE FROM map_cells WHERE level = 18")
