"""Projects show their progress: a stage that follows the cycle (idea, planning, doing, done,
reviewed), updates on a timeline, and photos on items and updates (re-encoded, metadata gone;
the files live in storage, the rows here say what is public).

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

OLD_STATUS = (
    "(kind = 'project' AND status IN ('planning', 'active', 'completed'))"
    " OR (kind = 'idea' AND status IN ('open', 'adopted', 'closed'))"
    " OR (kind = 'offer' AND status IN ('available', 'paused'))"
)
NEW_STATUS = (
    "(kind = 'project' AND status IN ('idea', 'planning', 'active', 'completed', 'reviewed'))"
    " OR (kind = 'idea' AND status IN ('open', 'adopted', 'closed'))"
    " OR (kind = 'offer' AND status IN ('available', 'paused'))"
)
HIDDEN = "('deleted', 'moderated', 'reported', 'suspended')"
OLD_TARGETS = "('item', 'comment', 'proposal', 'appreciation', 'message', 'profile')"
NEW_TARGETS = (
    "('item', 'comment', 'proposal', 'appreciation', 'update', 'photo', 'message', 'profile')"
)


def upgrade():
    op.drop_constraint("ck_initiatives_status", "initiatives")
    op.create_check_constraint("ck_initiatives_status", "initiatives", NEW_STATUS)
    op.create_table(
        "updates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("initiative_id", sa.Integer, nullable=False),
        sa.Column("initiative_kind", sa.String(10), nullable=False),
        sa.Column(
            "author_id", sa.Integer, sa.ForeignKey("users.id", ondelete="RESTRICT"), nullable=False
        ),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("stage", sa.String(20)),
        sa.Column("hidden", sa.Boolean, server_default="false", nullable=False),
        sa.Column("hidden_reason", sa.String(20)),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id", "initiative_kind"],
            ["initiatives.id", "initiatives.kind"],
            name="fk_updates_initiative",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("initiative_kind = 'project'", name="ck_updates_target"),
        sa.CheckConstraint(
            "char_length(btrim(body)) BETWEEN 1 AND 5000", name="ck_updates_body_length"
        ),
        sa.CheckConstraint(
            f"(hidden AND hidden_reason IN {HIDDEN}) OR (NOT hidden AND hidden_reason IS NULL)",
            name="ck_updates_hidden_reason",
        ),
    )
    op.create_index("ix_updates_initiative", "updates", ["initiative_id", "created_at"])
    op.create_table(
        "photos",
        sa.Column("id", sa.Integer, primary_key=True),
        # The name its files are stored under: random, so no photo's address can be guessed.
        sa.Column("key", sa.String(32), nullable=False, unique=True),
        sa.Column("initiative_id", sa.Integer, sa.ForeignKey("initiatives.id", ondelete="CASCADE")),
        sa.Column("update_id", sa.Integer, sa.ForeignKey("updates.id", ondelete="CASCADE")),
        sa.Column(
            "uploaded_by",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="RESTRICT"),
            nullable=False,
        ),
        sa.Column("alt", sa.String(300), nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("hidden", sa.Boolean, server_default="false", nullable=False),
        sa.Column("hidden_reason", sa.String(20)),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("num_nonnulls(initiative_id, update_id) = 1", name="ck_photos_owner"),
        sa.CheckConstraint("char_length(btrim(alt)) >= 3", name="ck_photos_alt"),
        sa.CheckConstraint("width > 0 AND height > 0", name="ck_photos_size"),
        sa.CheckConstraint(
            f"(hidden AND hidden_reason IN {HIDDEN}) OR (NOT hidden AND hidden_reason IS NULL)",
            name="ck_photos_hidden_reason",
        ),
    )
    op.create_index("ix_photos_initiative", "photos", ["initiative_id"])
    op.create_index("ix_photos_update", "photos", ["update_id"])
    # Updates and photos can be reported like anything else people post.
    op.drop_constraint("ck_reports_target_kind", "reports")
    op.create_check_constraint("ck_reports_target_kind", "reports", f"target_kind IN {NEW_TARGETS}")


def downgrade():
    op.execute("DELETE FROM reports WHERE target_kind IN ('update', 'photo')")
    op.drop_constraint("ck_reports_target_kind", "reports")
    op.create_check_constraint("ck_reports_target_kind", "reports", f"target_kind IN {OLD_TARGETS}")
    op.drop_table("photos")
    op.drop_table("updates")
    op.execute("UPDATE initiatives SET status = 'planning' WHERE status = 'idea'")
    op.execute("UPDATE initiatives SET status = 'completed' WHERE status = 'reviewed'")
    op.drop_constraint("ck_initiatives_status", "initiatives")
    op.create_check_constraint("ck_initiatives_status", "initiatives", OLD_STATUS)
