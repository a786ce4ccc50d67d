"""Skills offered per ward, kept by statement triggers: a ward's page counted them by unnesting
every offer in the ward (24 ms of its 55 ms at a million items, with 100,000 offers giving
skills). The counts change once per statement, set-based, in key order (as ward_counts, 0008).

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

# An offer that can be taken up: visible and available.
OFFERED = "{t}.kind = 'offer' AND NOT {t}.hidden AND {t}.status = 'available'"
SKILLS = "SELECT {t}.ward_id, s AS skill, {sign} AS sign FROM {rows} {t}, unnest({t}.skills) s"
CHANGED = (
    "(o.ward_id, o.kind, o.hidden, o.status, o.skills)"
    " IS DISTINCT FROM (n.ward_id, n.kind, n.hidden, n.status, n.skills)"
)
JOINED = "old_rows o JOIN new_rows n ON n.id = o.id"
ROWS = {
    "inserted": SKILLS.format(t="r", sign=1, rows="new_rows") + " WHERE " + OFFERED.format(t="r"),
    "deleted": SKILLS.format(t="r", sign=-1, rows="old_rows") + " WHERE " + OFFERED.format(t="r"),
    "updated": f"SELECT o.ward_id, s, -1 FROM {JOINED}, unnest(o.skills) s"
    f" WHERE {OFFERED.format(t='o')} AND {CHANGED}"
    f" UNION ALL SELECT n.ward_id, s, 1 FROM {JOINED}, unnest(n.skills) s"
    f" WHERE {OFFERED.format(t='n')} AND {CHANGED}",
}


def _delta(rows_sql: str) -> str:
    return f"""
  INSERT INTO ward_offered_skills AS c (ward_id, skill, offers)
  SELECT r.ward_id, r.skill, sum(r.sign) FROM ({rows_sql}) r(ward_id, skill, sign)
  GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (ward_id, skill) DO UPDATE SET offers = c.offers + EXCLUDED.offers;"""


TRIGGERS = {
    "inserted": ("INSERT", "REFERENCING NEW TABLE AS new_rows"),
    "deleted": ("DELETE", "REFERENCING OLD TABLE AS old_rows"),
    "updated": ("UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
}


def upgrade():
    op.create_table(
        "ward_offered_skills",
        sa.Column(
            "ward_id", sa.Integer, sa.ForeignKey("wards.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("skill", sa.String(40), nullable=False),
        sa.Column("offers", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("ward_id", "skill"),
    )
    for name, (event, transition) in TRIGGERS.items():
        op.execute(
            f"""
CREATE FUNCTION civicmap_ward_skills_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{_delta(ROWS[name])}
  RETURN NULL;
END $$;
CREATE TRIGGER initiatives_ward_skills_{name} AFTER {event} ON initiatives {transition}
  FOR EACH STATEMENT EXECUTE FUNCTION civicmap_ward_skills_{name}();"""
        )
    op.execute(
        """
CREATE FUNCTION civicmap_ward_skills_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM ward_offered_skills;
  RETURN NULL;
END $$;
CREATE TRIGGER initiatives_ward_skills_truncated AFTER TRUNCATE ON initiatives
  FOR EACH STATEMENT EXECUTE FUNCTION civicmap_ward_skills_truncated();"""
    )
    op.execute(_delta(ROWS["inserted"].replace("new_rows", "initiatives")))


def downgrade():
    for name in (*TRIGGERS, "truncated"):
        op.execute(f"DROP TRIGGER initiatives_ward_skills_{name} ON initiatives")
        op.execute(f"DROP FUNCTION civicmap_ward_skills_{name}()")
    op.drop_table("ward_offered_skills")
