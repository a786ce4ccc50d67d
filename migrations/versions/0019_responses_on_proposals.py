"""The council answers proposals too: a response may be about one proposal of an item. The
newest such response is copied onto the proposal (as 0013 copies an item's onto the item), and
an item's own copy now takes only responses about the item itself.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

LATEST = """
CREATE OR REPLACE FUNCTION official_responses_latest_on_item() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE shown jsonb := jsonb_build_object(
  'status', NEW.status, 'team', NEW.team, 'text', NEW.body, 'at', NEW.created_at);
BEGIN
  IF NEW.proposal_id IS NULL THEN
    UPDATE initiatives SET council_response = shown WHERE id = NEW.initiative_id;
  ELSE
    UPDATE proposals SET council_response = shown WHERE id = NEW.proposal_id;
  END IF;
  RETURN NULL;
END $$;
"""

ITEMS_ONLY = """
CREATE OR REPLACE FUNCTION official_responses_latest_on_item() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE initiatives SET council_response = jsonb_build_object(
    'status', NEW.status, 'team', NEW.team, 'text', NEW.body, 'at', NEW.created_at)
  WHERE id = NEW.initiative_id;
  RETURN NULL;
END $$;
"""


def upgrade():
    op.add_column(
        "official_responses",
        sa.Column("proposal_id", sa.Integer, sa.ForeignKey("proposals.id", ondelete="CASCADE")),
    )
    op.create_index(
        "ix_official_responses_proposal",
        "official_responses",
        ["proposal_id"],
        postgresql_where=sa.text("proposal_id IS NOT NULL"),
    )
    op.add_column("proposals", sa.Column("council_response", postgresql.JSONB))
    op.execute(LATEST)


def downgrade():
    op.execute(ITEMS_ONLY)
    op.drop_column("proposals", "council_response")
    op.drop_index("ix_official_responses_proposal", "official_responses")
    op.drop_column("official_responses", "proposal_id")
