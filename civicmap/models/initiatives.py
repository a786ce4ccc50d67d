"""Initiatives: the things pinned on the map — projects, ideas and offers.

One table for the three kinds (single-table inheritance) so the map, search and exports read
one indexed table. `location` is what the person gave; `public_location` is the only point ever
shown, and for offers the database snaps it to a coarse grid (see the initiatives trigger in the
first migration), so nobody's exact home point leaves through the site.
"""

from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import (
    ARRAY,
    Boolean,
    CheckConstraint,
    Computed,
    DateTime,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civicmap.extensions import db
from civicmap.models.areas import Ward
from civicmap.models.people import User
from civicmap.models.vocabulary import (
    CATEGORIES,
    HIDDEN_REASONS,
    KINDS,
    OFFER_TYPES,
    RSVP_STATUSES,
    STATUSES,
    sql_in,
)

_status_rule = " OR ".join(
    f"(kind = '{kind}' AND status IN {sql_in(codes)})" for kind, codes in STATUSES.items()
)

SEARCH_DOCUMENT = (
    "to_tsvector('civicmap'::regconfig, "
    "coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(description, ''))"
)


class Initiative(db.Model):
    __tablename__ = "initiatives"
    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(KINDS)}", name="ck_initiatives_kind"),
        CheckConstraint(_status_rule, name="ck_initiatives_status"),
        CheckConstraint(f"category IN {sql_in(CATEGORIES)}", name="ck_initiatives_category"),
        CheckConstraint(
            "language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'", name="ck_initiatives_language"
        ),
        CheckConstraint("char_length(btrim(title)) >= 3", name="ck_initiatives_title"),
        Index(
            "uq_initiatives_source_id",
            "source_id",
            unique=True,
            postgresql_where=text("source_id IS NOT NULL"),
        ),
        CheckConstraint("char_length(description) <= 10000", name="ck_initiatives_description"),
        CheckConstraint("cardinality(skills_needed) <= 20", name="ck_initiatives_skills_needed"),
        CheckConstraint(
            "kind <> 'offer' OR skills_needed = '{}'", name="ck_initiatives_skills_needed_kind"
        ),
        # Array overlap (&&) for matching what is offered with what is needed (migration 0023).
        Index(
            "ix_initiatives_offered_skills",
            "skills",
            postgresql_using="gin",
            postgresql_where=text("kind = 'offer' AND NOT hidden AND skills <> '{}'"),
        ),
        Index(
            "ix_initiatives_skills_needed",
            "skills_needed",
            postgresql_using="gin",
            postgresql_where=text(
                "NOT hidden AND skills_needed <> '{}' AND ((kind IN ('project', 'idea')"
                " AND status IN ('idea', 'planning', 'active', 'open'))"
                " OR (kind = 'event' AND status = 'scheduled'))"
            ),
        ),
        CheckConstraint(
            "kind IN ('offer', 'event') OR location IS NOT NULL", name="ck_initiatives_located"
        ),
        # Events (migration 0025): a start and an end; a place, a link online, or both.
        CheckConstraint(
            "(kind = 'event') = (starts_at IS NOT NULL AND ends_at IS NOT NULL)"
            " AND (ends_at IS NULL OR ends_at > starts_at)",
            name="ck_initiatives_event_times",
        ),
        CheckConstraint(
            "kind = 'event' OR (online_url IS NULL AND capacity IS NULL"
            " AND accessibility IS NULL AND about_id IS NULL)",
            name="ck_initiatives_event_only",
        ),
        CheckConstraint(
            "kind <> 'event' OR location IS NOT NULL OR online_url IS NOT NULL",
            name="ck_initiatives_event_place",
        ),
        CheckConstraint("capacity BETWEEN 1 AND 10000", name="ck_initiatives_capacity"),
        Index(
            "ix_initiatives_events_upcoming",
            "ends_at",
            "starts_at",
            postgresql_where=text("kind = 'event' AND NOT hidden"),
        ),
        Index("ix_initiatives_about", "about_id", postgresql_where=text("about_id IS NOT NULL")),
        CheckConstraint("kind = 'project' OR website IS NULL", name="ck_initiatives_website"),
        CheckConstraint("appreciation_count >= 0", name="ck_initiatives_appreciation_count"),
        CheckConstraint(
            f"(kind = 'offer' AND offer_type IS NOT NULL AND offer_type IN {sql_in(OFFER_TYPES)})"
            " OR (kind <> 'offer' AND offer_type IS NULL)",
            name="ck_initiatives_offer_type",
        ),
        CheckConstraint(
            "kind = 'project' OR from_idea_id IS NULL", name="ck_initiatives_from_idea"
        ),
        CheckConstraint(
            f"(hidden AND hidden_reason IS NOT NULL AND hidden_reason IN {sql_in(HIDDEN_REASONS)})"
            " OR (NOT hidden AND hidden_reason IS NULL)",
            name="ck_initiatives_hidden_reason",
        ),
        # Target of the (id, kind) foreign keys that say "a project or an idea, not an offer".
        UniqueConstraint("id", "kind", name="uq_initiatives_id_kind"),
        Index("ix_initiatives_search", "search", postgresql_using="gin"),
        Index("ix_initiatives_ward_kind", "ward_id", "kind"),
        Index("ix_initiatives_author", "author_id"),
        # Newest first, ties broken by id: one index scan even when a bulk load shares a time.
        Index("ix_initiatives_created_id", "created_at", "id"),
        Index("ix_initiatives_ward_created_id", "ward_id", "created_at", "id"),
        # An idea becomes at most one project, however many people press the button at once.
        Index(
            "uq_initiatives_one_project_per_idea",
            "from_idea_id",
            unique=True,
            postgresql_where=text("from_idea_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str | None] = mapped_column(String(280))
    description: Mapped[str] = mapped_column(Text, server_default="")
    category: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    website: Mapped[str | None] = mapped_column(String(300))
    offer_type: Mapped[str | None] = mapped_column(String(20))
    skills: Mapped[list[str]] = mapped_column(ARRAY(String(40)), server_default="{}")
    # What a project or idea needs, in the same vocabulary as offers' skills (services/skills.py).
    skills_needed: Mapped[list[str]] = mapped_column(ARRAY(String(40)), server_default="{}")
    availability: Mapped[str | None] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    location = mapped_column(Geometry("POINT", srid=4326, spatial_index=False), nullable=True)
    # Both set by the database trigger from `location` on every insert and move.
    public_location = mapped_column(
        Geometry("POINT", srid=4326, spatial_index=True),
        nullable=False,
        server_default=FetchedValue(),
        server_onupdate=FetchedValue(),
    )
    ward_id: Mapped[int] = mapped_column(
        ForeignKey("wards.id", ondelete="RESTRICT"),
        server_default=FetchedValue(),
        server_onupdate=FetchedValue(),
    )
    from_idea_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="SET NULL")
    )
    hidden: Mapped[bool] = mapped_column(Boolean, server_default="false")
    hidden_reason: Mapped[str | None] = mapped_column(String(20))
    # Kept by a trigger on appreciations, so maps and lists need no count per row.
    appreciation_count: Mapped[int] = mapped_column(
        server_default="0", server_onupdate=FetchedValue()
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    search = mapped_column(TSVECTOR, Computed(SEARCH_DOCUMENT, persisted=True))
    # Checked on every save (UPDATE ... WHERE version = the one read): a lost update is refused.
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    # The council's newest official response, copied here by a trigger (migration 0013).
    council_response = mapped_column(JSONB, nullable=True)
    # Its id in the file it was imported from (`flask import items`): a second import updates it.
    source_id: Mapped[str | None] = mapped_column(String(120))
    # The language its own text is in (a BCP 47 tag), if its author said.
    language: Mapped[str | None] = mapped_column(String(10))
    # Events only (migration 0025).
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    online_url: Mapped[str | None] = mapped_column(String(300))
    capacity: Mapped[int | None] = mapped_column(Integer)  # None: no limit
    accessibility: Mapped[str | None] = mapped_column(String(500))
    about_id: Mapped[int | None] = mapped_column(ForeignKey("initiatives.id", ondelete="SET NULL"))

    author: Mapped[User] = relationship(lazy="joined")
    ward: Mapped[Ward] = relationship(lazy="joined")

    __mapper_args__ = {"polymorphic_on": "kind", "eager_defaults": True, "version_id_col": version}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.title!r}>"


class Project(Initiative):
    """Something a resident is working on, shared for feedback and support."""

    __mapper_args__ = {"polymorphic_identity": "project"}


class Idea(Initiative):
    """A suggestion for improving the area, put up for discussion."""

    __mapper_args__ = {"polymorphic_identity": "idea"}


class Offer(Initiative):
    """Skills, time, space or equipment a person offers to the community."""

    __mapper_args__ = {"polymorphic_identity": "offer"}


class Event(Initiative):
    """A community meeting, workshop, forum or clean-up, at a place or online."""

    __mapper_args__ = {"polymorphic_identity": "event"}


class Rsvp(db.Model):
    """A person going to an event, or waiting for a place (the capacity is kept by the
    database: migration 0025's triggers)."""

    __tablename__ = "rsvps"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id", name="uq_rsvps_once_per_person"),
        CheckConstraint(f"status IN {sql_in(RSVP_STATUSES)}", name="ck_rsvps_status"),
        Index("ix_rsvps_event", "event_id", "status", "created_at"),
        Index("ix_rsvps_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), server_default="going")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    user: Mapped[User] = relationship(lazy="joined")
