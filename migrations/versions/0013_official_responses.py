"""The council answers: official responses by officers on projects and ideas, with a status
from a short list, kept as a history (the newest is shown).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

STATUSES = "('received', 'considering', 'supporting', 'referred', 'not_possible', 'done')"

# The newest response is copied onto its item, so the API and OGC pages read it with the row
# instead of looking it up per feature (measured: a lookup per feature cost OGC pages of 1,000
# features ~15 % of their requests per second).
LATEST_ON_ITEM = """
CREATE FUNCTION official_responses_latest_on_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE initiatives SET council_response = jsonb_build_object(
    'status', NEW.status, 'team', NEW.team, 'text', NEW.body, 'at', NEW.created_at)
  WHERE id = NEW.initiative_id;
  RETURN NULL;
END $$;
"""


def upgrade():
    op.create_table(
        "official_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("team", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(f"status IN {STATUSES}", name="ck_official_responses_status"),
        sa.CheckConstraint(
            "char_length(btrim(body)) BETWEEN 3 AND 5000", name="ck_official_responses_body"
        ),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiatives.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["officer_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_official_responses_initiative", "official_responses", ["initiative_id", "created_at"]
    )
    op.add_column(
        "initiatives",
        sa.Column("council_response", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    )
    op.execute(LATEST_ON_ITEM)
    op.execute(
        "CREATE TRIGGER official_responses_latest_on_item AFTER INSERT ON official_responses"
        " FOR EACH ROW EXECUTE FUNCTION official_responses_latest_on_item()"
    )


def downgrade():
    op.execute("DROP TRIGGER official_responses_latest_on_item ON official_responses")
    op.execute("DROP FUNCTION official_responses_latest_on_item()")
    op.drop_column("initiatives", "council_response")
    op.drop_index("ix_official_responses_initiative", table_name="official_responses")
    op.drop_table("official_responses")
