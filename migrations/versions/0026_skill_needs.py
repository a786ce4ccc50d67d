"""Needs by skill and place: one narrow row per open need and skill it asks for, kept by
triggers from initiatives and proposals, with a GiST index on (skill, point) (btree_gist), so
"needs near you" walks each of a person's skills nearest first instead of fetching every fitting
need in the circle (benchmarks/matching.py measured that at 65 ms at a million items).

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

# What makes an item, or a proposal on it, an open need (as services/matching.py says it).
OPEN_ITEM = (
    "NOT {t}.hidden AND (({t}.kind IN ('project', 'idea')"
    " AND {t}.status IN ('idea', 'planning', 'active', 'open'))"
    " OR ({t}.kind = 'event' AND {t}.status = 'scheduled'))"
)
ITEM_ROWS = (
    "INSERT INTO skill_needs (skill, initiative_id, point, ends_at)"
    " SELECT s, n.id, n.public_location, n.ends_at FROM {rows} n, unnest(n.skills_needed) s"
    " WHERE " + OPEN_ITEM.format(t="n")
)
PROPOSAL_ROWS = (
    "INSERT INTO skill_needs (skill, initiative_id, proposal_id, point)"
    " SELECT s, i.id, p.id, i.public_location"
    " FROM proposals p JOIN initiatives i ON i.id = p.initiative_id, unnest(p.skills_needed) s"
    " WHERE p.status = 'open' AND NOT p.hidden AND NOT i.hidden AND {which}"
)

TRIGGERS = f"""
CREATE FUNCTION skill_needs_of_items() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed integer[];
BEGIN
  -- Only the items whose needs, state or place changed (an appreciation also updates a row).
  IF TG_OP = 'INSERT' THEN
    changed := ARRAY(SELECT id FROM new_rows WHERE skills_needed <> '{{}}');
  ELSE
    changed := ARRAY(
      SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE (n.skills_needed, n.status, n.hidden, n.public_location, n.ends_at, n.kind)
            IS DISTINCT FROM (o.skills_needed, o.status, o.hidden, o.public_location, o.ends_at,
                              o.kind));
  END IF;
  IF cardinality(changed) = 0 THEN
    RETURN NULL;
  END IF;
  DELETE FROM skill_needs WHERE initiative_id = ANY(changed);
  {ITEM_ROWS.format(rows="new_rows")} AND n.id = ANY(changed);
  {PROPOSAL_ROWS.format(which="i.id = ANY(changed)")};
  RETURN NULL;
END $$;

CREATE FUNCTION skill_needs_of_proposals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM skill_needs WHERE proposal_id IN (SELECT id FROM new_rows);
  {PROPOSAL_ROWS.format(which="p.id IN (SELECT id FROM new_rows)")};
  RETURN NULL;
END $$;

CREATE TRIGGER skill_needs_items_inserted AFTER INSERT ON initiatives
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION skill_needs_of_items();
CREATE TRIGGER skill_needs_items_updated AFTER UPDATE ON initiatives
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION skill_needs_of_items();
CREATE TRIGGER skill_needs_proposals_inserted AFTER INSERT ON proposals
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION skill_needs_of_proposals();
CREATE TRIGGER skill_needs_proposals_updated AFTER UPDATE ON proposals
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION skill_needs_of_proposals();
"""


def upgrade():
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.create_table(
        "skill_needs",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("skill", sa.String(40), nullable=False),
        sa.Column(
            "initiative_id",
            sa.Integer,
            sa.ForeignKey("initiatives.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("proposal_id", sa.Integer, sa.ForeignKey("proposals.id", ondelete="CASCADE")),
        sa.Column("point", Geometry("POINT", srid=4326, spatial_index=False), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True)),  # an event's: a need until then
    )
    op.create_index(
        "ix_skill_needs_near", "skill_needs", ["skill", "point"], postgresql_using="gist"
    )
    op.create_index("ix_skill_needs_initiative", "skill_needs", ["initiative_id"])
    op.create_index(
        "ix_skill_needs_proposal",
        "skill_needs",
        ["proposal_id"],
        postgresql_where=sa.text("proposal_id IS NOT NULL"),
    )
    op.execute(ITEM_ROWS.format(rows="initiatives"))
    op.execute(PROPOSAL_ROWS.format(which="true"))
    op.execute(TRIGGERS)


def downgrade():
    for trigger, table in (
        ("skill_needs_items_inserted", "initiatives"),
        ("skill_needs_items_updated", "initiatives"),
        ("skill_needs_proposals_inserted", "proposals"),
        ("skill_needs_proposals_updated", "proposals"),
    ):
        op.execute(f"DROP TRIGGER {trigger} ON {table}")
    op.execute("DROP FUNCTION skill_needs_of_items(); DROP FUNCTION skill_needs_of_proposals()")
    op.drop_table("skill_needs")
