"""Mail: who wants what how often, an outbox the web writes in its own transaction and a worker
sends from, and the task queue's (procrastinate's) own tables.

The outbox row's dedupe_key is unique: one person gets one mail for one event (or one digest per
period), however often a job is retried. Each notification records the mail that carried it.

The procrastinate schema is the one of the pinned version (pyproject.toml); upgrading
procrastinate means a new revision with its migration files (procrastinate's docs: "Migrations").

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29
"""

from importlib.resources import files

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

FREQUENCIES = "('at_once', 'daily', 'weekly', 'never')"


def upgrade():
    op.execute(files("procrastinate.sql").joinpath("schema.sql").read_text())

    op.add_column(
        "users",
        sa.Column("email_frequency", sa.String(10), server_default="daily", nullable=False),
    )
    op.create_check_constraint(
        "ck_users_email_frequency", "users", f"email_frequency IN {FREQUENCIES}"
    )
    # Accounts from before confirmation existed are unconfirmed: they get no mail until they
    # confirm (the banner on My civicmap asks them to).
    op.add_column("users", sa.Column("email_confirmed_at", sa.DateTime(timezone=True)))
    # A permanent refusal by the recipient's server: no more mail to this address.
    op.add_column("users", sa.Column("email_undeliverable_at", sa.DateTime(timezone=True)))

    op.add_column("follows", sa.Column("email_frequency", sa.String(10)))
    op.create_check_constraint(
        "ck_follows_email_frequency", "follows", f"email_frequency IN {FREQUENCIES}"
    )

    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("dedupe_key", sa.Text, nullable=False),
        sa.Column("payload", sa.dialects.postgresql.JSONB, server_default="{}", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("attempts", sa.Integer, server_default="0", nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("gave_up_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint(
            "kind IN ('confirm', 'reset', 'notice', 'digest', 'reminder')",
            name="ck_mail_outbox_kind",
        ),
        sa.UniqueConstraint("dedupe_key", name="uq_mail_outbox_dedupe_key"),
    )
    op.create_index(
        "ix_mail_outbox_pending",
        "mail_outbox",
        ["id"],
        postgresql_where=sa.text("sent_at IS NULL AND gave_up_at IS NULL"),
    )

    # How this notification goes by mail, decided when it is made (the person's and the
    # follow's choice then); mail_id once a mail carries it.
    op.add_column(
        "notifications",
        sa.Column("email", sa.String(10), server_default="never", nullable=False),
    )
    op.create_check_constraint("ck_notifications_email", "notifications", f"email IN {FREQUENCIES}")
    op.add_column(
        "notifications",
        sa.Column("mail_id", sa.BigInteger, sa.ForeignKey("mail_outbox.id", ondelete="SET NULL")),
    )
    op.create_index(
        "ix_notifications_unmailed",
        "notifications",
        ["email", "user_id"],
        postgresql_where=sa.text("mail_id IS NULL AND email <> 'never'"),
    )
    op.create_index("ix_notifications_mail", "notifications", ["mail_id"])


def downgrade():
    op.drop_index("ix_notifications_mail", "notifications")
    op.drop_index("ix_notifications_unmailed", "notifications")
    op.drop_column("notifications", "mail_id")
    op.drop_constraint("ck_notifications_email", "notifications")
    op.drop_column("notifications", "email")
    op.drop_table("mail_outbox")
    op.drop_constraint("ck_follows_email_frequency", "follows")
    op.drop_column("follows", "email_frequency")
    op.drop_constraint("ck_users_email_frequency", "users")
    for column in ("email_undeliverable_at", "email_confirmed_at", "email_frequency"):
        op.drop_column("users", column)
    op.execute(DROP_PROCRASTINATE)


DROP_PROCRASTINATE = """
DO $$
DECLARE f regprocedure;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p WHERE p.proname LIKE 'procrastinate%' LOOP
    EXECUTE format('DROP ROUTINE %s CASCADE', f);
  END LOOP;
END $$;
DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs,
  procrastinate_workers CASCADE;
DROP TYPE IF EXISTS procrastinate_job_to_defer_v1, procrastinate_job_event_type,
  procrastinate_job_status CASCADE;
"""
