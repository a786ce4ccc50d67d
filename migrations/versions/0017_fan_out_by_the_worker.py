"""Followers are told by the worker: each notification a job writes carries the job's id, and
one person gets one notification per job however often the job runs.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("notifications", sa.Column("job_id", sa.BigInteger))
    op.create_index(
        "uq_notifications_job_user",
        "notifications",
        ["job_id", "user_id"],
        unique=True,
        postgresql_where=sa.text("job_id IS NOT NULL"),
    )


def downgrade():
    op.drop_index("uq_notifications_job_user", "notifications")
    op.drop_column("notifications", "job_id")
