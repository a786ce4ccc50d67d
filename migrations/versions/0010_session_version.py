"""A session version on each account: changing the password, logging out or "log out
everywhere" raises it, and every session or remember-me cookie carrying the old one ends.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "users", sa.Column("session_version", sa.Integer(), server_default="1", nullable=False)
    )


def downgrade():
    op.drop_column("users", "session_version")
