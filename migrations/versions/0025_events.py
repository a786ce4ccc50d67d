"""Events and meetings: a kind of item with a start and an end, a place on the map or a link
online, a capacity, accessibility notes and optionally the project or idea it is about; people
say they are going, and past the capacity they wait in line. The database keeps the capacity
(a lock on the event while places are counted) and moves the first waiting up when a place
comes free, however many press at once.

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

OLD_STATUS = (
    "(kind = 'project' AND status IN ('idea', 'planning', 'active', 'completed', 'reviewed'))"
    " OR (kind = 'idea' AND status IN ('open', 'adopted', 'closed'))"
    " OR (kind = 'offer' AND status IN ('available', 'paused'))"
)
NEW_STATUS = OLD_STATUS + " OR (kind = 'event' AND status IN ('scheduled', 'cancelled'))"
EVENT_CHECKS = {
    "ck_initiatives_event_times": "(kind = 'event') = (starts_at IS NOT NULL AND ends_at IS NOT NULL)"
    " AND (ends_at IS NULL OR ends_at > starts_at)",
    "ck_initiatives_event_only": "kind = 'event' OR (online_url IS NULL AND capacity IS NULL"
    " AND accessibility IS NULL AND about_id IS NULL)",
    "ck_initiatives_event_place": "kind <> 'event' OR location IS NOT NULL OR online_url IS NOT NULL",
    "ck_initiatives_capacity": "capacity BETWEEN 1 AND 10000",
}

# Going past the capacity is refused (CM005); a place freed is taken by the first waiting.
TRIGGERS = """
CREATE FUNCTION rsvps_within_capacity() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  places integer;
  state text;
  taken integer;
BEGIN
  IF NEW.status <> 'going' OR (TG_OP = 'UPDATE' AND OLD.status = 'going') THEN
    RETURN NEW;
  END IF;
  SELECT capacity, status INTO places, state FROM initiatives WHERE id = NEW.event_id FOR UPDATE;
  SELECT count(*) INTO taken FROM rsvps
  WHERE event_id = NEW.event_id AND status = 'going' AND id <> NEW.id;
  IF state <> 'scheduled' OR (places IS NOT NULL AND taken >= places) THEN
    RAISE EXCEPTION 'event % takes nobody more (% of %, %)', NEW.event_id, taken, places, state
      USING ERRCODE = 'CM005';
  END IF;
  RETURN NEW;
END $$;

CREATE FUNCTION rsvps_move_up() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'going' AND NEW.status <> 'going' THEN
    UPDATE rsvps SET status = 'going'
    WHERE id = (SELECT id FROM rsvps WHERE event_id = NEW.event_id AND status = 'waiting'
                ORDER BY created_at, id LIMIT 1);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER rsvps_within_capacity BEFORE INSERT OR UPDATE OF status ON rsvps
  FOR EACH ROW EXECUTE FUNCTION rsvps_within_capacity();
CREATE TRIGGER rsvps_move_up AFTER UPDATE OF status ON rsvps
  FOR EACH ROW EXECUTE FUNCTION rsvps_move_up();
"""


# An online event with no point is placed, like an offer with none, at its ward: the placing
# trigger of migration 0001 is rewritten in place (its grid constants stay as they were).
PLACE_OLD = "ELSIF NEW.kind = 'offer' AND NEW.ward_id IS NOT NULL"
PLACE_NEW = "ELSIF NEW.kind IN ('offer', 'event') AND NEW.ward_id IS NOT NULL"


def _rewrite_placing(old: str, new: str) -> None:
    op.execute(
        f"""
DO $do$
DECLARE src text;
BEGIN
  SELECT pg_get_functiondef('civicmap_place_initiative'::regproc) INTO src;
  IF position($o${old}$o$ IN src) = 0 THEN
    RAISE EXCEPTION 'civicmap_place_initiative is not as expected';
  END IF;
  EXECUTE replace(src, $o${old}$o$, $n${new}$n$);
END $do$;
"""
    )


# Events can ask for skills too: the open needs' index takes in scheduled events.
NEEDS_OLD = (
    "NOT hidden AND skills_needed <> '{}' AND kind IN ('project', 'idea')"
    " AND status IN ('idea', 'planning', 'active', 'open')"
)
NEEDS_NEW = (
    "NOT hidden AND skills_needed <> '{}' AND ((kind IN ('project', 'idea')"
    " AND status IN ('idea', 'planning', 'active', 'open'))"
    " OR (kind = 'event' AND status = 'scheduled'))"
)


def _needs_index(predicate: str) -> None:
    op.drop_index("ix_initiatives_skills_needed", "initiatives")
    op.create_index(
        "ix_initiatives_skills_needed",
        "initiatives",
        ["skills_needed"],
        postgresql_using="gin",
        postgresql_where=sa.text(predicate),
    )


def upgrade():
    _rewrite_placing(PLACE_OLD, PLACE_NEW)
    _needs_index(NEEDS_NEW)
    op.drop_constraint("ck_initiatives_kind", "initiatives")
    op.create_check_constraint(
        "ck_initiatives_kind", "initiatives", "kind IN ('project', 'idea', 'offer', 'event')"
    )
    op.drop_constraint("ck_initiatives_status", "initiatives")
    op.create_check_constraint("ck_initiatives_status", "initiatives", NEW_STATUS)
    op.drop_constraint("ck_initiatives_located", "initiatives")
    op.create_check_constraint(
        "ck_initiatives_located",
        "initiatives",
        "kind IN ('offer', 'event') OR location IS NOT NULL",
    )
    op.add_column("initiatives", sa.Column("starts_at", sa.DateTime(timezone=True)))
    op.add_column("initiatives", sa.Column("ends_at", sa.DateTime(timezone=True)))
    op.add_column("initiatives", sa.Column("online_url", sa.String(300)))
    op.add_column("initiatives", sa.Column("capacity", sa.Integer))
    op.add_column("initiatives", sa.Column("accessibility", sa.String(500)))
    op.add_column(
        "initiatives",
        sa.Column("about_id", sa.Integer, sa.ForeignKey("initiatives.id", ondelete="SET NULL")),
    )
    for name, rule in EVENT_CHECKS.items():
        op.create_check_constraint(name, "initiatives", rule)
    op.create_index(
        "ix_initiatives_events_upcoming",
        "initiatives",
        ["ends_at", "starts_at"],
        postgresql_where=sa.text("kind = 'event' AND NOT hidden"),
    )
    op.create_index(
        "ix_initiatives_about",
        "initiatives",
        ["about_id"],
        postgresql_where=sa.text("about_id IS NOT NULL"),
    )
    op.create_table(
        "rsvps",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "event_id",
            sa.Integer,
            sa.ForeignKey("initiatives.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("status", sa.String(10), server_default="going", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.UniqueConstraint("event_id", "user_id", name="uq_rsvps_once_per_person"),
        sa.CheckConstraint("status IN ('going', 'waiting', 'cancelled')", name="ck_rsvps_status"),
    )
    op.create_index("ix_rsvps_event", "rsvps", ["event_id", "status", "created_at"])
    op.create_index("ix_rsvps_user", "rsvps", ["user_id"])
    op.execute(TRIGGERS)
    # After the event, its organiser posts what happened as an update (with photos).
    op.drop_constraint("ck_updates_target", "updates")
    op.create_check_constraint(
        "ck_updates_target", "updates", "initiative_kind IN ('project', 'event')"
    )


def downgrade():
    _rewrite_placing(PLACE_NEW, PLACE_OLD)
    _needs_index(NEEDS_OLD)
    op.execute("DELETE FROM updates WHERE initiative_kind = 'event'")
    op.drop_constraint("ck_updates_target", "updates")
    op.create_check_constraint("ck_updates_target", "updates", "initiative_kind = 'project'")
    op.drop_table("rsvps")
    op.execute("DROP FUNCTION rsvps_within_capacity(); DROP FUNCTION rsvps_move_up()")
    op.execute("DELETE FROM initiatives WHERE kind = 'event'")
    op.drop_index("ix_initiatives_about", "initiatives")
    op.drop_index("ix_initiatives_events_upcoming", "initiatives")
    for name in EVENT_CHECKS:
        op.drop_constraint(name, "initiatives")
    for column in ("about_id", "accessibility", "capacity", "online_url", "ends_at", "starts_at"):
        op.drop_column("initiatives", column)
    op.drop_constraint("ck_initiatives_located", "initiatives")
    op.create_check_constraint(
        "ck_initiatives_located", "initiatives", "kind = 'offer' OR location IS NOT NULL"
    )
    op.drop_constraint("ck_initiatives_status", "initiatives")
    op.create_check_constraint("ck_initiatives_status", "initiatives", OLD_STATUS)
    op.drop_constraint("ck_initiatives_kind", "initiatives")
    op.create_check_constraint(
        "ck_initiatives_kind", "initiatives", "kind IN ('project', 'idea', 'offer')"
    )
