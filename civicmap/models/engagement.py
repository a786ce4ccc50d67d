"""Engagement: what people do with initiatives — appreciate, comment, propose, volunteer."""

from datetime import date, datetime
from typing import TYPE_CHECKING

from geoalchemy2 import Geometry
from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civicmap.extensions import db
from civicmap.models.people import User

if TYPE_CHECKING:
    from civicmap.models.initiatives import Initiative
from civicmap.models.vocabulary import PROPOSAL_STATUSES, VOLUNTEERING_STATUSES, sql_in

# Appreciations, comments and proposals belong to a project or an idea, never to an offer:
# the (initiative_id, initiative_kind) pair references initiatives (id, kind).
_ON_PROJECT_OR_IDEA = "initiative_kind IN ('project', 'idea')"


def _initiative_fk(table: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["initiative_id", "initiative_kind"],
        ["initiatives.id", "initiatives.kind"],
        name=f"fk_{table}_initiative",
        ondelete="CASCADE",
    )


class Appreciation(db.Model):
    __tablename__ = "appreciations"
    __table_args__ = (
        _initiative_fk("appreciations"),
        CheckConstraint(_ON_PROJECT_OR_IDEA, name="ck_appreciations_target"),
        UniqueConstraint("initiative_id", "user_id", name="uq_appreciations_once_per_person"),
        Index("ix_appreciations_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(Integer)
    initiative_kind: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    note: Mapped[str | None] = mapped_column(String(280))
    note_hidden: Mapped[bool] = mapped_column(server_default="false")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    user: Mapped[User] = relationship(lazy="joined")


class Comment(db.Model):
    """Feedback on a project or discussion of an idea, threaded by parent."""

    __tablename__ = "comments"
    __table_args__ = (
        _initiative_fk("comments"),
        CheckConstraint(_ON_PROJECT_OR_IDEA, name="ck_comments_target"),
        CheckConstraint(
            "char_length(btrim(body)) BETWEEN 1 AND 5000", name="ck_comments_body_length"
        ),
        # A reply stays in the discussion of the item its parent belongs to.
        UniqueConstraint("id", "initiative_id", name="uq_comments_id_initiative"),
        ForeignKeyConstraint(
            ["parent_id", "initiative_id"],
            ["comments.id", "comments.initiative_id"],
            name="fk_comments_parent_same_initiative",
            ondelete="CASCADE",
        ),
        Index("ix_comments_initiative", "initiative_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(Integer)
    initiative_kind: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    body: Mapped[str] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(server_default="false")
    hidden_reason: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    author: Mapped[User] = relationship(lazy="joined")


class Proposal(db.Model):
    """An action a person will take to help realise a project or an idea."""

    __tablename__ = "proposals"
    __table_args__ = (
        _initiative_fk("proposals"),
        CheckConstraint(_ON_PROJECT_OR_IDEA, name="ck_proposals_target"),
        CheckConstraint(f"status IN {sql_in(PROPOSAL_STATUSES)}", name="ck_proposals_status"),
        CheckConstraint(
            "volunteers_needed BETWEEN 0 AND 100", name="ck_proposals_volunteers_needed"
        ),
        CheckConstraint(
            "char_length(btrim(action)) BETWEEN 3 AND 2000", name="ck_proposals_action_length"
        ),
        Index("ix_proposals_initiative", "initiative_id"),
        Index("ix_proposals_author", "author_id"),
        CheckConstraint("duration_minutes BETWEEN 15 AND 720", name="ck_proposals_duration"),
        CheckConstraint(
            "starts_at IS NOT NULL OR (duration_minutes IS NULL AND meeting_point IS NULL)",
            name="ck_proposals_schedule",
        ),
        CheckConstraint("cardinality(skills_needed) <= 20", name="ck_proposals_skills_needed"),
        Index(
            "ix_proposals_skills_needed",
            "skills_needed",
            postgresql_using="gin",
            postgresql_where=text("NOT hidden AND skills_needed <> '{}'"),
        ),
        Index(
            "ix_proposals_starts_at", "starts_at", postgresql_where=text("starts_at IS NOT NULL")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(Integer)
    initiative_kind: Mapped[str] = mapped_column(String(10))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    action: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)
    volunteers_needed: Mapped[int] = mapped_column(Integer, server_default="0")
    skills_needed: Mapped[list[str]] = mapped_column(ARRAY(String(40)), server_default="{}")
    # When and where it happens, if it is one occasion (reminders and calendars read these).
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    meeting_place: Mapped[str | None] = mapped_column(String(200))
    meeting_point = mapped_column(Geometry("POINT", srid=4326, spatial_index=False), nullable=True)
    status: Mapped[str] = mapped_column(String(10), server_default="open")
    # The council's newest official response on it, copied by a trigger (migration 0019).
    council_response = mapped_column(JSONB, nullable=True)
    hidden: Mapped[bool] = mapped_column(server_default="false")
    hidden_reason: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    author: Mapped[User] = relationship(lazy="joined")
    # The project or idea it helps (read-only here: the composite key with its kind is the FK).
    initiative: Mapped["Initiative"] = relationship(
        primaryjoin="foreign(Proposal.initiative_id) == Initiative.id", viewonly=True
    )


class Volunteering(db.Model):
    """A person's sign-up to help with a proposal."""

    __tablename__ = "volunteerings"
    __table_args__ = (
        UniqueConstraint("proposal_id", "user_id", name="uq_volunteerings_once_per_person"),
        CheckConstraint(
            f"status IN {sql_in(VOLUNTEERING_STATUSES)}", name="ck_volunteerings_status"
        ),
        Index("ix_volunteerings_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    note: Mapped[str | None] = mapped_column(String(280))
    status: Mapped[str] = mapped_column(String(10), server_default="active")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    user: Mapped[User] = relationship(lazy="joined")
