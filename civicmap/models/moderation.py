"""Moderation: reports people make, the append-only log of what moderators (and the automatic
hiding) did, and blocks between people."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civicmap.extensions import db
from civicmap.models.people import User
from civicmap.models.vocabulary import REPORT_REASONS, REPORT_STATUSES, REPORT_TARGETS, sql_in


class Report(db.Model):
    """Someone's report that a thing on the site breaks the rules; one per person per thing."""

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint(f"target_kind IN {sql_in(REPORT_TARGETS)}", name="ck_reports_target_kind"),
        CheckConstraint(f"reason IN {sql_in(REPORT_REASONS)}", name="ck_reports_reason"),
        CheckConstraint(f"status IN {sql_in(REPORT_STATUSES)}", name="ck_reports_status"),
        UniqueConstraint(
            "reporter_id", "target_kind", "target_id", name="uq_reports_once_per_person"
        ),
        Index("ix_reports_target", "target_kind", "target_id", "status"),
        Index("ix_reports_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    target_kind: Mapped[str] = mapped_column(String(12))
    target_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10), server_default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ModerationEntry(db.Model):
    """One line of the moderation log: who did what to which thing, when and why. The database
    refuses to change or delete a line (migration 0011)."""

    __tablename__ = "moderation_log"
    __table_args__ = (Index("ix_moderation_log_target", "target_kind", "target_id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(30))
    target_kind: Mapped[str] = mapped_column(String(12))
    target_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    actor: Mapped[User | None] = relationship(lazy="joined")


class Block(db.Model):
    """A person blocks another: no messages from them, no volunteering on their proposals."""

    __tablename__ = "blocks"
    __table_args__ = (CheckConstraint("blocker_id <> blocked_id", name="ck_blocks_not_self"),)

    blocker_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    blocked_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
