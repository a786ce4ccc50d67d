"""The whole data model: PostGIS, wards, people, initiatives and engagement.

Ward assignment lives here as a trigger, so every write path (ORM, COPY, bulk SQL) gets the
same answer from the same polygons, and a point outside every ward is refused.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


# Offers are published on a grid of about 250 m (at London's latitude), at the cell centre.
OFFER_GRID_LON = 0.0036
OFFER_GRID_LAT = 0.00225

PLACE_INITIATIVE = f"""
CREATE FUNCTION civicmap_place_initiative() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  found integer;
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.location IS NOT DISTINCT FROM OLD.location
     AND NEW.ward_id IS NOT DISTINCT FROM OLD.ward_id AND NEW.kind = OLD.kind THEN
    NEW.public_location := OLD.public_location;
    RETURN NEW;
  END IF;
  IF NEW.location IS NOT NULL THEN
    IF ST_SRID(NEW.location) <> 4326 THEN
      RAISE EXCEPTION 'location must be WGS84 (SRID 4326)' USING ERRCODE = '22023';
    END IF;
    -- Try the ward the writer suggested first: one polygon test instead of an index search.
    SELECT id INTO found FROM wards WHERE id = NEW.ward_id AND ST_Covers(geom, NEW.location);
    IF found IS NULL THEN
      SELECT id INTO found FROM wards WHERE ST_Covers(geom, NEW.location) ORDER BY id LIMIT 1;
    END IF;
    IF found IS NULL THEN
      RAISE EXCEPTION 'This location is outside the area' USING ERRCODE = 'CM001';
    END IF;
    NEW.ward_id := found;
    IF NEW.kind = 'offer' THEN
      NEW.public_location := ST_SetSRID(ST_MakePoint(
        (floor(ST_X(NEW.location) / {OFFER_GRID_LON}) + 0.5) * {OFFER_GRID_LON},
        (floor(ST_Y(NEW.location) / {OFFER_GRID_LAT}) + 0.5) * {OFFER_GRID_LAT}), 4326);
    ELSE
      NEW.public_location := NEW.location;
    END IF;
  ELSIF NEW.kind = 'offer' AND NEW.ward_id IS NOT NULL THEN
    -- An offer without a point is shown at its ward's centre.
    SELECT ST_PointOnSurface(geom) INTO NEW.public_location FROM wards WHERE id = NEW.ward_id;
  ELSE
    RAISE EXCEPTION 'A location is required' USING ERRCODE = 'CM002';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER initiatives_place BEFORE INSERT OR UPDATE ON initiatives
FOR EACH ROW EXECUTE FUNCTION civicmap_place_initiative();
"""


def upgrade():
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "wards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=9), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
                spatial_index=False,
            ),
            nullable=False,
        ),
        sa.CheckConstraint("ST_IsValid(geom)", name="ck_wards_geom_valid"),
        sa.CheckConstraint("char_length(name) > 0", name="ck_wards_name_present"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("slug"),
    )
    with op.batch_alter_table("wards", schema=None) as batch_op:
        batch_op.create_index("idx_wards_geom", ["geom"], unique=False, postgresql_using="gist")

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=60), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("bio", sa.String(length=1000), server_default="", nullable=False),
        sa.Column("skills", sa.ARRAY(sa.String(length=40)), server_default="{}", nullable=False),
        sa.Column("home_ward_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=12), server_default="resident", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("position('@' in email) > 1", name="ck_users_email_shape"),
        sa.CheckConstraint(
            "role IN ('resident', 'officer', 'moderator', 'admin')", name="ck_users_role"
        ),
        sa.CheckConstraint("char_length(btrim(display_name)) > 0", name="ck_users_display_name"),
        sa.ForeignKeyConstraint(["home_ward_id"], ["wards.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(
            "uq_users_email_lower", [sa.literal_column("lower(email)")], unique=True
        )

    op.create_table(
        "initiatives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("summary", sa.String(length=280), nullable=True),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=True),
        sa.Column("offer_type", sa.String(length=20), nullable=True),
        sa.Column("skills", sa.ARRAY(sa.String(length=40)), server_default="{}", nullable=False),
        sa.Column("availability", sa.String(length=200), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column(
            "location",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column(
            "public_location",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
                spatial_index=False,
            ),
            server_default=sa.FetchedValue(),
            nullable=False,
        ),
        sa.Column("ward_id", sa.Integer(), server_default=sa.FetchedValue(), nullable=False),
        sa.Column("from_idea_id", sa.Integer(), nullable=True),
        sa.Column("hidden", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("hidden_reason", sa.String(length=20), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "search",
            postgresql.TSVECTOR(),
            sa.Computed(
                "to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(description, ''))",
                persisted=True,
            ),
            nullable=True,
        ),
        sa.CheckConstraint(
            "(hidden AND hidden_reason IS NOT NULL AND hidden_reason IN ('deleted', 'moderated')) OR (NOT hidden AND hidden_reason IS NULL)",
            name="ck_initiatives_hidden_reason",
        ),
        sa.CheckConstraint(
            "(kind = 'offer' AND offer_type IS NOT NULL AND offer_type IN ('skills', 'time', 'space', 'equipment')) OR (kind <> 'offer' AND offer_type IS NULL)",
            name="ck_initiatives_offer_type",
        ),
        sa.CheckConstraint(
            "(kind = 'project' AND status IN ('planning', 'active', 'completed')) OR (kind = 'idea' AND status IN ('open', 'adopted', 'closed')) OR (kind = 'offer' AND status IN ('available', 'paused'))",
            name="ck_initiatives_status",
        ),
        sa.CheckConstraint(
            "category IN ('environment', 'food', 'arts', 'health', 'young-people', 'older-people', 'housing', 'transport', 'sport', 'learning', 'community-spaces', 'other')",
            name="ck_initiatives_category",
        ),
        sa.CheckConstraint("kind = 'offer' OR location IS NOT NULL", name="ck_initiatives_located"),
        sa.CheckConstraint(
            "kind = 'project' OR from_idea_id IS NULL", name="ck_initiatives_from_idea"
        ),
        sa.CheckConstraint("kind = 'project' OR website IS NULL", name="ck_initiatives_website"),
        sa.CheckConstraint("kind IN ('project', 'idea', 'offer')", name="ck_initiatives_kind"),
        sa.CheckConstraint("char_length(btrim(title)) >= 3", name="ck_initiatives_title"),
        sa.CheckConstraint("char_length(description) <= 10000", name="ck_initiatives_description"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["from_idea_id"], ["initiatives.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["ward_id"], ["wards.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("id", "kind", name="uq_initiatives_id_kind"),
    )
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.create_index(
            "idx_initiatives_public_location",
            ["public_location"],
            unique=False,
            postgresql_using="gist",
        )
        batch_op.create_index("ix_initiatives_author", ["author_id"], unique=False)
        batch_op.create_index("ix_initiatives_created", ["created_at"], unique=False)
        batch_op.create_index(
            "ix_initiatives_search", ["search"], unique=False, postgresql_using="gin"
        )
        batch_op.create_index("ix_initiatives_ward_kind", ["ward_id", "kind"], unique=False)
    op.execute(PLACE_INITIATIVE)

    op.create_table(
        "appreciations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("initiative_kind", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=280), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "initiative_kind IN ('project', 'idea')", name="ck_appreciations_target"
        ),
        sa.ForeignKeyConstraint(
            ["initiative_id", "initiative_kind"],
            ["initiatives.id", "initiatives.kind"],
            name="fk_appreciations_initiative",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("initiative_id", "user_id", name="uq_appreciations_once_per_person"),
    )
    with op.batch_alter_table("appreciations", schema=None) as batch_op:
        batch_op.create_index("ix_appreciations_user", ["user_id"], unique=False)

    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("initiative_kind", sa.String(length=10), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("hidden", sa.Boolean(), server_default="false", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("initiative_kind IN ('project', 'idea')", name="ck_comments_target"),
        sa.CheckConstraint(
            "char_length(btrim(body)) BETWEEN 1 AND 5000", name="ck_comments_body_length"
        ),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["initiative_id", "initiative_kind"],
            ["initiatives.id", "initiatives.kind"],
            name="fk_comments_initiative",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id", "initiative_id"],
            ["comments.id", "comments.initiative_id"],
            name="fk_comments_parent_same_initiative",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("id", "initiative_id", name="uq_comments_id_initiative"),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_comments_initiative", ["initiative_id", "created_at"], unique=False
        )

    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=False),
        sa.Column("initiative_kind", sa.String(length=10), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("volunteers_needed", sa.Integer(), server_default="0", nullable=False),
        sa.Column("status", sa.String(length=10), server_default="open", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("initiative_kind IN ('project', 'idea')", name="ck_proposals_target"),
        sa.CheckConstraint(
            "status IN ('open', 'full', 'done', 'withdrawn')", name="ck_proposals_status"
        ),
        sa.CheckConstraint(
            "char_length(btrim(action)) BETWEEN 3 AND 2000", name="ck_proposals_action_length"
        ),
        sa.CheckConstraint(
            "volunteers_needed BETWEEN 0 AND 100", name="ck_proposals_volunteers_needed"
        ),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["initiative_id", "initiative_kind"],
            ["initiatives.id", "initiatives.kind"],
            name="fk_proposals_initiative",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.create_index("ix_proposals_author", ["author_id"], unique=False)
        batch_op.create_index("ix_proposals_initiative", ["initiative_id"], unique=False)

    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("initiative_id", sa.Integer(), nullable=True),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("char_length(btrim(body)) BETWEEN 1 AND 5000", name="ck_messages_body"),
        sa.CheckConstraint("sender_id <> recipient_id", name="ck_messages_not_to_self"),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiatives.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposals.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["recipient_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sender_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index("ix_messages_recipient", ["recipient_id", "created_at"], unique=False)

    op.create_table(
        "volunteerings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=280), nullable=True),
        sa.Column("status", sa.String(length=10), server_default="active", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("status IN ('active', 'withdrawn')", name="ck_volunteerings_status"),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposals.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("proposal_id", "user_id", name="uq_volunteerings_once_per_person"),
    )
    with op.batch_alter_table("volunteerings", schema=None) as batch_op:
        batch_op.create_index("ix_volunteerings_user", ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("volunteerings", schema=None) as batch_op:
        batch_op.drop_index("ix_volunteerings_user")

    op.drop_table("volunteerings")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_recipient")

    op.drop_table("messages")
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_index("ix_proposals_initiative")
        batch_op.drop_index("ix_proposals_author")

    op.drop_table("proposals")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index("ix_comments_initiative")

    op.drop_table("comments")
    with op.batch_alter_table("appreciations", schema=None) as batch_op:
        batch_op.drop_index("ix_appreciations_user")

    op.drop_table("appreciations")
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.drop_index("ix_initiatives_ward_kind")
        batch_op.drop_index("ix_initiatives_search", postgresql_using="gin")
        batch_op.drop_index("ix_initiatives_created")
        batch_op.drop_index("ix_initiatives_author")
        batch_op.drop_index("idx_initiatives_public_location", postgresql_using="gist")

    op.execute("DROP TRIGGER IF EXISTS initiatives_place ON initiatives")
    op.execute("DROP FUNCTION IF EXISTS civicmap_place_initiative()")
    op.drop_table("initiatives")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("uq_users_email_lower")

    op.drop_table("users")
    with op.batch_alter_table("wards", schema=None) as batch_op:
        batch_op.drop_index("idx_wards_geom", postgresql_using="gist")

    op.drop_table("wards")
    op.execute("DROP EXTENSION IF EXISTS postgis")
