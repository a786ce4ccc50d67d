"""The council answers: official responses by officers on projects and ideas, with a status
from a short list, kept as a history (the newest is shown).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

STATUSES = "('received', 'considering', 'supporting', 'referred', 'not_possible', 'done')"


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


def downgrade():
    op.drop_index("ix_official_responses_initiative", table_name="official_responses")
    op.drop_table("official_responses")
