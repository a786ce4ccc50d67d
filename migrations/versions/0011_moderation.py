"""Reports and moderation of everything: reports (one per person per thing), an append-only
moderation log, blocks between people, suspension, and a hidden flag on every kind of thing
people write (proposals, appreciation notes, messages, profiles; items and comments had one).

Items gain two reasons to be hidden: "reported" (auto-hidden after enough reports, pending
review) and "suspended" (its author's account is suspended; restored in one step with it).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

REASONS = "('deleted', 'moderated', 'reported', 'suspended')"
OLD_REASONS = "('deleted', 'moderated')"
HIDDEN_REASON_CHECK = (
    "(hidden AND hidden_reason IS NOT NULL AND hidden_reason IN {r})"
    " OR (NOT hidden AND hidden_reason IS NULL)"
)

APPEND_ONLY = """
CREATE FUNCTION moderation_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the moderation log is append-only' USING ERRCODE = 'CM004';
END $$;
"""


def upgrade():
    op.drop_constraint("ck_initiatives_hidden_reason", "initiatives", type_="check")
    op.create_check_constraint(
        "ck_initiatives_hidden_reason", "initiatives", HIDDEN_REASON_CHECK.format(r=REASONS)
    )
    op.add_column("comments", sa.Column("hidden_reason", sa.String(length=20), nullable=True))
    for table in ("proposals", "messages"):
        op.add_column(
            table, sa.Column("hidden", sa.Boolean(), server_default="false", nullable=False)
        )
    op.add_column("proposals", sa.Column("hidden_reason", sa.String(length=20), nullable=True))
    op.add_column(
        "appreciations",
        sa.Column("note_hidden", sa.Boolean(), server_default="false", nullable=False),
    )
    op.add_column("users", sa.Column("suspended_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "users", sa.Column("profile_hidden", sa.Boolean(), server_default="false", nullable=False)
    )
    # An account its owner deleted (UK GDPR erasure): the row stays for what it wrote, as
    # "a former member", with everything personal erased.
    op.add_column("users", sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=12), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=10), server_default="open", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "target_kind IN ('item', 'comment', 'proposal', 'appreciation', 'message', 'profile')",
            name="ck_reports_target_kind",
        ),
        sa.CheckConstraint(
            "reason IN ('spam', 'abuse', 'personal', 'off_topic', 'other')",
            name="ck_reports_reason",
        ),
        sa.CheckConstraint("status IN ('open', 'upheld', 'dismissed')", name="ck_reports_status"),
        sa.ForeignKeyConstraint(["reporter_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "reporter_id", "target_kind", "target_id", name="uq_reports_once_per_person"
        ),
    )
    op.create_index("ix_reports_target", "reports", ["target_kind", "target_id", "status"])
    op.create_index("ix_reports_status_created", "reports", ["status", "created_at"])
    op.create_table(
        "moderation_log",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("target_kind", sa.String(length=12), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_moderation_log_target", "moderation_log", ["target_kind", "target_id"])
    op.execute(APPEND_ONLY)
    op.execute(
        "CREATE TRIGGER moderation_log_append_only BEFORE UPDATE OR DELETE ON moderation_log"
        " FOR EACH ROW EXECUTE FUNCTION moderation_log_append_only()"
    )
    op.create_table(
        "blocks",
        sa.Column("blocker_id", sa.Integer(), nullable=False),
        sa.Column("blocked_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("blocker_id <> blocked_id", name="ck_blocks_not_self"),
        sa.ForeignKeyConstraint(["blocker_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["blocked_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("blocker_id", "blocked_id"),
    )


def downgrade():
    op.drop_table("blocks")
    op.execute("DROP TRIGGER moderation_log_append_only ON moderation_log")
    op.execute("DROP FUNCTION moderation_log_append_only()")
    op.drop_index("ix_moderation_log_target", table_name="moderation_log")
    op.drop_table("moderation_log")
    op.drop_index("ix_reports_status_created", table_name="reports")
    op.drop_index("ix_reports_target", table_name="reports")
    op.drop_table("reports")
    op.drop_column("users", "deleted_at")
    op.drop_column("users", "profile_hidden")
    op.drop_column("users", "suspended_at")
    op.drop_column("appreciations", "note_hidden")
    op.drop_column("proposals", "hidden_reason")
    for table in ("messages", "proposals"):
        op.drop_column(table, "hidden")
    op.drop_column("comments", "hidden_reason")
    op.execute(
        "UPDATE initiatives SET hidden_reason = 'moderated'"
        " WHERE hidden_reason IN ('reported', 'suspended')"
    )
    op.drop_constraint("ck_initiatives_hidden_reason", "initiatives", type_="check")
    op.create_check_constraint(
        "ck_initiatives_hidden_reason", "initiatives", HIDDEN_REASON_CHECK.format(r=OLD_REASONS)
    )
