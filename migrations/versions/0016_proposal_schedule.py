"""When and where a proposal happens: a start time, how long, and a meeting point inside the
area (with a few words: "by the bandstand"). Reminders and calendars read them.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("proposals", sa.Column("starts_at", sa.DateTime(timezone=True)))
    op.add_column("proposals", sa.Column("duration_minutes", sa.Integer))
    op.add_column("proposals", sa.Column("meeting_place", sa.String(200)))
    op.add_column(
        "proposals",
        sa.Column("meeting_point", Geometry("POINT", srid=4326, spatial_index=False)),
    )
    op.create_check_constraint(
        "ck_proposals_duration", "proposals", "duration_minutes BETWEEN 15 AND 720"
    )
    # A duration or a place belongs to a time: none without one.
    op.create_check_constraint(
        "ck_proposals_schedule",
        "proposals",
        "starts_at IS NOT NULL OR (duration_minutes IS NULL AND meeting_point IS NULL)",
    )
    op.create_index(
        "ix_proposals_starts_at",
        "proposals",
        ["starts_at"],
        postgresql_where=sa.text("starts_at IS NOT NULL"),
    )


def downgrade():
    op.drop_index("ix_proposals_starts_at", "proposals")
    op.drop_constraint("ck_proposals_schedule", "proposals")
    op.drop_constraint("ck_proposals_duration", "proposals")
    for column in ("meeting_point", "meeting_place", "duration_minutes", "starts_at"):
        op.drop_column("proposals", column)
