"""An index for "newest in this ward" (ward pages, ward feeds, recent activity).

Without it, the newest items of a ward whose items are all old are found by reading the whole
table backwards in time.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_initiatives_ward_created", "initiatives", ["ward_id", "created_at"])


def downgrade():
    op.drop_index("ix_initiatives_ward_created", table_name="initiatives")
