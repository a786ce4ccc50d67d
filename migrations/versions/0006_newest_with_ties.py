"""Newest-first indexes that include the id, the lists' tie-breaker.

A bulk load gives thousands of items the same created_at; ordering by (created_at, id) then
had to sort all of them for one page of 20 (1.6 s to first pins at a million items).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_initiatives_created", table_name="initiatives")
    op.drop_index("ix_initiatives_ward_created", table_name="initiatives")
    op.create_index("ix_initiatives_created_id", "initiatives", ["created_at", "id"])
    op.create_index(
        "ix_initiatives_ward_created_id", "initiatives", ["ward_id", "created_at", "id"]
    )


def downgrade():
    op.drop_index("ix_initiatives_ward_created_id", table_name="initiatives")
    op.drop_index("ix_initiatives_created_id", table_name="initiatives")
    op.create_index("ix_initiatives_ward_created", "initiatives", ["ward_id", "created_at"])
    op.create_index("ix_initiatives_created", "initiatives", ["created_at"])
