"""Appreciation counts kept on initiatives by a trigger, and postcode centroids for "near me".

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COUNT_APPRECIATIONS = """
CREATE FUNCTION civicmap_count_appreciations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE initiatives SET appreciation_count = appreciation_count + 1
     WHERE id = NEW.initiative_id;
  ELSE
    UPDATE initiatives SET appreciation_count = appreciation_count - 1
     WHERE id = OLD.initiative_id;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER appreciations_count AFTER INSERT OR DELETE ON appreciations
FOR EACH ROW EXECUTE FUNCTION civicmap_count_appreciations();
"""


def upgrade():
    op.create_table(
        "postcodes",
        sa.Column("postcode", sa.String(length=8), nullable=False),
        sa.Column(
            "location",
            Geometry(geometry_type="POINT", srid=4326, spatial_index=False),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("postcode"),
    )
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("appreciation_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_check_constraint(
            "ck_initiatives_appreciation_count", "appreciation_count >= 0"
        )
    op.execute(
        "UPDATE initiatives i SET appreciation_count = a.n FROM"
        " (SELECT initiative_id, count(*) AS n FROM appreciations GROUP BY 1) a"
        " WHERE a.initiative_id = i.id"
    )
    op.execute(COUNT_APPRECIATIONS)


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS appreciations_count ON appreciations")
    op.execute("DROP FUNCTION IF EXISTS civicmap_count_appreciations()")
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.drop_constraint("ck_initiatives_appreciation_count", type_="check")
        batch_op.drop_column("appreciation_count")
    op.drop_table("postcodes")
