"""Following wards and items, the notifications people get in civicmap, and the council's
official responses (what followers hear of)."""

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civicmap.extensions import db
from civicmap.models.initiatives import Initiative
from civicmap.models.people import User
from civicmap.models.vocabulary import RESPONSE_STATUSES, sql_in


class Follow(db.Model):
    __tablename__ = "follows"
    __table_args__ = (
        CheckConstraint("target_kind IN ('ward', 'item')", name="ck_follows_target_kind"),
        Index("ix_follows_target", "target_kind", "target_id"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    target_kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    target_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_unread", "user_id", postgresql_where=text("read_at IS NULL")),
        Index("ix_notifications_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE")
    )
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="joined")
    initiative: Mapped[Initiative | None] = relationship(lazy="joined")


class OfficialResponse(db.Model):
    """The council's answer to a project or an idea, by an officer for their team."""

    __tablename__ = "official_responses"
    __table_args__ = (
        CheckConstraint(
            f"status IN {sql_in(RESPONSE_STATUSES)}", name="ck_official_responses_status"
        ),
        CheckConstraint(
            "char_length(btrim(body)) BETWEEN 3 AND 5000", name="ck_official_responses_body"
        ),
        Index("ix_official_responses_initiative", "initiative_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    team: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
