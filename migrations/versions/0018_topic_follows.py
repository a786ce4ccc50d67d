"""Following a category (anywhere in the area) or a skill near a postcode (within a radius):
people hear of new items that match.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

FREQUENCIES = "('at_once', 'daily', 'weekly', 'never')"


def upgrade():
    op.create_table(
        "topic_follows",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("value", sa.String(40), nullable=False),
        sa.Column("postcode", sa.String(8)),
        sa.Column("centre", Geometry("POINT", srid=4326, spatial_index=False)),
        sa.Column("radius_m", sa.Integer),
        sa.Column("email_frequency", sa.String(10)),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("kind IN ('category', 'skill')", name="ck_topic_follows_kind"),
        sa.CheckConstraint(
            "(kind = 'category' AND centre IS NULL AND radius_m IS NULL)"
            " OR (kind = 'skill' AND centre IS NOT NULL AND radius_m BETWEEN 100 AND 20000)",
            name="ck_topic_follows_place",
        ),
        sa.CheckConstraint(
            f"email_frequency IN {FREQUENCIES}", name="ck_topic_follows_email_frequency"
        ),
        sa.UniqueConstraint(
            "user_id",
            "kind",
            "value",
            "postcode",
            name="uq_topic_follows_once",
            postgresql_nulls_not_distinct=True,
        ),
    )
    op.create_index("ix_topic_follows_value", "topic_follows", ["kind", "value"])


def downgrade():
    op.drop_index("ix_topic_follows_value", "topic_follows")
    op.drop_table("topic_follows")
