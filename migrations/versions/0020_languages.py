"""Languages: the one a person reads civicmap in (pages and mail), and the one an item's own
text is written in (so pages can mark it, for screen readers and translation tools).

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("locale", sa.String(10)))
    op.create_check_constraint("ck_users_locale", "users", "locale IN ('en', 'pt_PT', 'es', 'pl')")
    op.add_column("initiatives", sa.Column("language", sa.String(10)))
    op.create_check_constraint(
        "ck_initiatives_language", "initiatives", "language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'"
    )


def downgrade():
    op.drop_constraint("ck_initiatives_language", "initiatives")
    op.drop_column("initiatives", "language")
    op.drop_constraint("ck_users_locale", "users")
    op.drop_column("users", "locale")
