"""What a crowd pressing the same button at once cannot break, guaranteed by the database.

- A proposal never has more active volunteers than it asks for: a trigger locks the proposal
  row before each sign-up, so concurrent sign-ups queue and each counts what the others
  committed; it refuses a sign-up to a proposal that is full, done or withdrawn (SQLSTATE CM003),
  and keeps the proposal's status full/open as volunteers come and go.
- An idea becomes at most one project (a unique index on from_idea_id).
- Items carry a version, checked on every save, so two people editing one item at once cannot
  silently overwrite each other.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

WITHIN_CAPACITY = """
CREATE FUNCTION volunteerings_within_capacity() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  needed integer;
  state text;
  taken integer;
BEGIN
  IF NEW.status <> 'active' OR (TG_OP = 'UPDATE' AND OLD.status = 'active') THEN
    RETURN NEW;
  END IF;
  -- The lock orders sign-ups to one proposal; each then counts what the others committed.
  SELECT volunteers_needed, status INTO needed, state
  FROM proposals WHERE id = NEW.proposal_id FOR UPDATE;
  SELECT count(*) INTO taken FROM volunteerings
  WHERE proposal_id = NEW.proposal_id AND status = 'active' AND id <> NEW.id;
  IF state <> 'open' OR taken >= needed THEN
    RAISE EXCEPTION 'proposal % takes no more volunteers (% of %, %)',
      NEW.proposal_id, taken, needed, state USING ERRCODE = 'CM003';
  END IF;
  RETURN NEW;
END $$;
"""

FULL_OR_OPEN = """
CREATE FUNCTION volunteerings_set_proposal_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE proposals p SET status = CASE WHEN c.taken >= p.volunteers_needed THEN 'full' ELSE 'open' END
  FROM (SELECT count(*) FILTER (WHERE status = 'active') AS taken FROM volunteerings
        WHERE proposal_id = NEW.proposal_id) c
  WHERE p.id = NEW.proposal_id AND p.status IN ('open', 'full') AND p.volunteers_needed > 0
    AND p.status <> CASE WHEN c.taken >= p.volunteers_needed THEN 'full' ELSE 'open' END;
  RETURN NULL;
END $$;
"""


def upgrade():
    op.add_column(
        "initiatives", sa.Column("version", sa.Integer(), server_default="1", nullable=False)
    )
    op.create_index(
        "uq_initiatives_one_project_per_idea",
        "initiatives",
        ["from_idea_id"],
        unique=True,
        postgresql_where=sa.text("from_idea_id IS NOT NULL"),
    )
    op.execute(WITHIN_CAPACITY)
    op.execute(
        "CREATE TRIGGER volunteerings_within_capacity BEFORE INSERT OR UPDATE OF status"
        " ON volunteerings FOR EACH ROW EXECUTE FUNCTION volunteerings_within_capacity()"
    )
    op.execute(FULL_OR_OPEN)
    op.execute(
        "CREATE TRIGGER volunteerings_set_proposal_status AFTER INSERT OR UPDATE OF status"
        " ON volunteerings FOR EACH ROW EXECUTE FUNCTION volunteerings_set_proposal_status()"
    )


def downgrade():
    op.execute("DROP TRIGGER volunteerings_set_proposal_status ON volunteerings")
    op.execute("DROP FUNCTION volunteerings_set_proposal_status()")
    op.execute("DROP TRIGGER volunteerings_within_capacity ON volunteerings")
    op.execute("DROP FUNCTION volunteerings_within_capacity()")
    op.drop_index("uq_initiatives_one_project_per_idea", table_name="initiatives")
    op.drop_column("initiatives", "version")
