"""A waiting list for full proposals, kept by the database: when an active volunteer withdraws,
the first person waiting is moved up in the same statement's transaction, under the proposal's
lock (0009's trigger), so two withdrawals and three waiting never over-fill a proposal.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# Full or open again as volunteers come and go (as migration 0009 wrote it).
RECOUNT = """\
  UPDATE proposals p SET status = CASE WHEN c.taken >= p.volunteers_needed THEN 'full' ELSE 'open' END
  FROM (SELECT count(*) FILTER (WHERE status = 'active') AS taken FROM volunteerings
        WHERE proposal_id = NEW.proposal_id) c
  WHERE p.id = NEW.proposal_id AND p.status IN ('open', 'full') AND p.volunteers_needed > 0
    AND p.status <> CASE WHEN c.taken >= p.volunteers_needed THEN 'full' ELSE 'open' END;
"""

MOVE_UP = f"""
CREATE OR REPLACE FUNCTION volunteerings_set_proposal_status() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- A place came free: the first person waiting takes it (its own capacity check runs too).
  IF TG_OP = 'UPDATE' AND OLD.status = 'active' AND NEW.status <> 'active' THEN
    UPDATE volunteerings SET status = 'active'
    WHERE id = (SELECT id FROM volunteerings
                WHERE proposal_id = NEW.proposal_id AND status = 'waiting'
                ORDER BY created_at, id LIMIT 1);
  END IF;
{RECOUNT}  RETURN NULL;
END $$;
"""

# Capacity alone decides between open and full: a place freed in a full proposal is taken by
# the first waiting before the status says "open" again.
CAPACITY = """
CREATE OR REPLACE FUNCTION volunteerings_within_capacity() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  needed integer;
  state text;
  taken integer;
BEGIN
  IF NEW.status <> 'active' OR (TG_OP = 'UPDATE' AND OLD.status = 'active') THEN
    RETURN NEW;
  END IF;
  SELECT volunteers_needed, status INTO needed, state
  FROM proposals WHERE id = NEW.proposal_id FOR UPDATE;
  SELECT count(*) INTO taken FROM volunteerings
  WHERE proposal_id = NEW.proposal_id AND status = 'active' AND id <> NEW.id;
  IF state NOT IN ('open', 'full') OR taken >= needed THEN
    RAISE EXCEPTION 'proposal % takes no more volunteers (% of %, %)',
      NEW.proposal_id, taken, needed, state USING ERRCODE = 'CM003';
  END IF;
  RETURN NEW;
END $$;
"""

WITHOUT_MOVING_UP = f"""
CREATE OR REPLACE FUNCTION volunteerings_set_proposal_status() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
{RECOUNT}  RETURN NULL;
END $$;
"""


def upgrade():
    op.drop_constraint("ck_volunteerings_status", "volunteerings", type_="check")
    op.create_check_constraint(
        "ck_volunteerings_status", "volunteerings", "status IN ('active', 'withdrawn', 'waiting')"
    )
    op.execute(CAPACITY)
    op.execute(MOVE_UP)


def downgrade():
    op.execute(WITHOUT_MOVING_UP)
    op.execute(CAPACITY.replace("state NOT IN ('open', 'full')", "state <> 'open'"))
    op.execute("DELETE FROM volunteerings WHERE status = 'waiting'")
    op.drop_constraint("ck_volunteerings_status", "volunteerings", type_="check")
    op.create_check_constraint(
        "ck_volunteerings_status", "volunteerings", "status IN ('active', 'withdrawn')"
    )
