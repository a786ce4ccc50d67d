"""Imported items keep the id they had in their source (a council's directory of groups, a past
consultation): importing the same file again updates them instead of adding copies.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("initiatives", sa.Column("source_id", sa.String(120)))
    op.create_index(
        "uq_initiatives_source_id",
        "initiatives",
        ["source_id"],
        unique=True,
        postgresql_where=sa.text("source_id IS NOT NULL"),
    )


def downgrade():
    op.drop_index("uq_initiatives_source_id", "initiatives")
    op.drop_column("initiatives", "source_id")
