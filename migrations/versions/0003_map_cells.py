"""Precomputed map clusters: item counts per grid cell, per zoom level, per kind.

A wide view of a million items cannot be clustered live within a map's time budget, so the
counts (and coordinate sums, for each cell's centre) are kept by triggers: set-based, once per
statement (a bulk load is one aggregate), and on update only for rows whose place, kind or
visibility changed. Cell sizes match civicmap.geo.cluster_cell: 360 / 2^zoom / 6 degrees.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

LOW, HIGH = 10, 17  # the zooms at which a view can be too dense for pins


def _delta(rows_sql: str) -> str:
    """Upsert the cell counts of `rows_sql` (kind, x, y, sign) into map_cells."""
    return f"""
  INSERT INTO map_cells AS m (level, kind, gx, gy, n, sx, sy)
  SELECT l.level, r.kind, floor(r.x / l.cell)::int, floor(r.y / l.cell)::int,
         sum(r.sign), sum(r.sign * r.x), sum(r.sign * r.y)
  FROM ({rows_sql}) r CROSS JOIN civicmap_cell_levels() l
  GROUP BY 1, 2, 3, 4
  ON CONFLICT (level, gx, gy, kind) DO UPDATE
    SET n = m.n + EXCLUDED.n, sx = m.sx + EXCLUDED.sx, sy = m.sy + EXCLUDED.sy;"""


POINTS = "SELECT {t}.kind, ST_X({t}.public_location) AS x, ST_Y({t}.public_location) AS y, {sign} AS sign"

FUNCTIONS = f"""
CREATE FUNCTION civicmap_cell_levels() RETURNS TABLE (level smallint, cell float8)
LANGUAGE sql IMMUTABLE AS $$
  SELECT z::smallint, 360.0 / (2 ^ z) / 6 FROM generate_series({LOW}, {HIGH}) AS z
$$;

CREATE FUNCTION civicmap_cells_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_delta(POINTS.format(t="r", sign=1) + " FROM new_rows r WHERE NOT r.hidden")}
  RETURN NULL;
END $$;

CREATE FUNCTION civicmap_cells_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_delta(POINTS.format(t="r", sign=-1) + " FROM old_rows r WHERE NOT r.hidden")}
  RETURN NULL;
END $$;

CREATE FUNCTION civicmap_cells_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Only rows that moved, changed kind, or were hidden or restored count here.
  {
    _delta(
        POINTS.format(t="o", sign=-1) + " FROM old_rows o JOIN new_rows n ON n.id = o.id"
        " WHERE NOT o.hidden AND (o.hidden, o.kind, o.public_location)"
        " IS DISTINCT FROM (n.hidden, n.kind, n.public_location)"
        " UNION ALL " + POINTS.format(t="n", sign=1) + " FROM old_rows o JOIN new_rows n"
        " ON n.id = o.id WHERE NOT n.hidden AND (o.hidden, o.kind, o.public_location)"
        " IS DISTINCT FROM (n.hidden, n.kind, n.public_location)"
    )
}
  RETURN NULL;
END $$;

CREATE FUNCTION civicmap_cells_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM map_cells;
  RETURN NULL;
END $$;

CREATE TRIGGER initiatives_cells_truncated AFTER TRUNCATE ON initiatives
  FOR EACH STATEMENT EXECUTE FUNCTION civicmap_cells_truncated();
CREATE TRIGGER initiatives_cells_inserted AFTER INSERT ON initiatives
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION civicmap_cells_inserted();
CREATE TRIGGER initiatives_cells_deleted AFTER DELETE ON initiatives
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION civicmap_cells_deleted();
CREATE TRIGGER initiatives_cells_updated AFTER UPDATE ON initiatives
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION civicmap_cells_updated();
"""


def upgrade():
    op.create_table(
        "map_cells",
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("gx", sa.Integer(), nullable=False),
        sa.Column("gy", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("sx", sa.Float(), nullable=False),
        sa.Column("sy", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("level", "gx", "gy", "kind"),
    )
    op.execute(FUNCTIONS)
    op.execute(_delta(POINTS.format(t="i", sign=1) + " FROM initiatives i WHERE NOT i.hidden"))


def downgrade():
    for name in ("inserted", "deleted", "updated", "truncated"):
        op.execute(f"DROP TRIGGER IF EXISTS initiatives_cells_{name} ON initiatives")
        op.execute(f"DROP FUNCTION IF EXISTS civicmap_cells_{name}()")
    op.execute("DROP FUNCTION IF EXISTS civicmap_cell_levels()")
    op.drop_table("map_cells")
