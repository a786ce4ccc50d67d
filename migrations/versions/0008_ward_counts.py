"""Visible items per ward and kind, with their appreciations, kept by statement triggers.

Ward pages, the wards table, the officers' dashboard and the ward map counted their items row by
row: at a million items a ward page spent most of its time there (the ward summary alone ran at
236 statements/s). Like map_cells (0003, 0007), the counts change once per statement, set-based,
and are written in key order so concurrent writers queue instead of deadlocking.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ROW = "SELECT {t}.ward_id, {t}.kind, {sign} AS sign, {t}.appreciation_count AS a"
CHANGED = (
    "(o.ward_id, o.kind, o.hidden, o.appreciation_count)"
    " IS DISTINCT FROM (n.ward_id, n.kind, n.hidden, n.appreciation_count)"
)
ROWS = {
    "inserted": ROW.format(t="r", sign=1) + " FROM new_rows r WHERE NOT r.hidden",
    "deleted": ROW.format(t="r", sign=-1) + " FROM old_rows r WHERE NOT r.hidden",
    "updated": ROW.format(t="o", sign=-1)
    + f" FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE NOT o.hidden AND {CHANGED}"
    + " UNION ALL "
    + ROW.format(t="n", sign=1)
    + f" FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE NOT n.hidden AND {CHANGED}",
}


def _delta(rows_sql: str) -> str:
    return f"""
  INSERT INTO ward_counts AS c (ward_id, kind, items, appreciations)
  SELECT r.ward_id, r.kind, sum(r.sign), sum(r.sign * r.a) FROM ({rows_sql}) r
  GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (ward_id, kind) DO UPDATE
    SET items = c.items + EXCLUDED.items, appreciations = c.appreciations + EXCLUDED.appreciations;"""


FUNCTIONS = (
    "\n".join(
        f"""
CREATE FUNCTION civicmap_ward_counts_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{_delta(rows)}
  RETURN NULL;
END $$;"""
        for name, rows in ROWS.items()
    )
    + """
CREATE FUNCTION civicmap_ward_counts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM ward_counts;
  RETURN NULL;
END $$;

CREATE TRIGGER initiatives_ward_counts_truncated AFTER TRUNCATE ON initiatives
  FOR EACH STATEMENT EXECUTE FUNCTION civicmap_ward_counts_truncated();
CREATE TRIGGER initiatives_ward_counts_inserted AFTER INSERT ON initiatives
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION civicmap_ward_counts_inserted();
CREATE TRIGGER initiatives_ward_counts_deleted AFTER DELETE ON initiatives
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION civicmap_ward_counts_deleted();
CREATE TRIGGER initiatives_ward_counts_updated AFTER UPDATE ON initiatives
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION civicmap_ward_counts_updated();
"""
)


def upgrade():
    op.create_table(
        "ward_counts",
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("appreciations", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["ward_id"], ["wards.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("ward_id", "kind"),
    )
    op.execute(FUNCTIONS)
    op.execute(_delta(ROWS["inserted"].replace("new_rows", "initiatives")))


def downgrade():
    for name in ("inserted", "deleted", "updated", "truncated"):
        op.execute(f"DROP TRIGGER IF EXISTS initiatives_ward_counts_{name} ON initiatives")
        op.execute(f"DROP FUNCTION IF EXISTS civicmap_ward_counts_{name}()")
    op.drop_table("ward_counts")
