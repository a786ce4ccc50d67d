"""Following wards and items, the notifications people get in civicmap, and the council's
official responses (what followers hear of)."""

from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
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
from civicmap.models.initiatives import Initiative
from civicmap.models.people import User
from civicmap.models.vocabulary import EMAIL_FREQUENCIES, MAIL_KINDS, RESPONSE_STATUSES, sql_in


class Follow(db.Model):
    __tablename__ = "follows"
    __table_args__ = (
        CheckConstraint("target_kind IN ('ward', 'item')", name="ck_follows_target_kind"),
        CheckConstraint(
            f"email_frequency IN {sql_in(EMAIL_FREQUENCIES)}", name="ck_follows_email_frequency"
        ),
        Index("ix_follows_target", "target_kind", "target_id"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    target_kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    target_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None: as the person's own choice (users.email_frequency).
    email_frequency: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class TopicFollow(db.Model):
    """A category anywhere in the area, or a skill near a postcode: new items that match."""

    __tablename__ = "topic_follows"
    __table_args__ = (
        CheckConstraint("kind IN ('category', 'skill')", name="ck_topic_follows_kind"),
        CheckConstraint(
            "(kind = 'category' AND centre IS NULL AND radius_m IS NULL)"
            " OR (kind = 'skill' AND centre IS NOT NULL AND radius_m BETWEEN 100 AND 20000)",
            name="ck_topic_follows_place",
        ),
        CheckConstraint(
            f"email_frequency IN {sql_in(EMAIL_FREQUENCIES)}",
            name="ck_topic_follows_email_frequency",
        ),
        UniqueConstraint(
            "user_id",
            "kind",
            "value",
            "postcode",
            name="uq_topic_follows_once",
            postgresql_nulls_not_distinct=True,
        ),
        Index("ix_topic_follows_value", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(40))  # a category code, or a skill tag
    postcode: Mapped[str | None] = mapped_column(String(8))
    centre = mapped_column(Geometry("POINT", srid=4326, spatial_index=False), nullable=True)
    radius_m: Mapped[int | None] = mapped_column(Integer)
    email_frequency: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Mail(db.Model):
    """One mail to one person, written in the transaction that caused it and sent by the
    worker (services/mail.py). dedupe_key is unique: a retried job cannot send it twice."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        CheckConstraint(f"kind IN {sql_in(MAIL_KINDS)}", name="ck_mail_outbox_kind"),
        UniqueConstraint("dedupe_key", name="uq_mail_outbox_dedupe_key"),
        Index(
            "ix_mail_outbox_pending",
            "id",
            postgresql_where=text("sent_at IS NULL AND gave_up_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    dedupe_key: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    gave_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_unread", "user_id", postgresql_where=text("read_at IS NULL")),
        Index("ix_notifications_user_created", "user_id", "created_at"),
        CheckConstraint(f"email IN {sql_in(EMAIL_FREQUENCIES)}", name="ck_notifications_email"),
        Index(
            "ix_notifications_unmailed",
            "email",
            "user_id",
            postgresql_where=text("mail_id IS NULL AND email <> 'never'"),
        ),
        Index("ix_notifications_mail", "mail_id"),
        Index(
            "uq_notifications_job_user",
            "job_id",
            "user_id",
            unique=True,
            postgresql_where=text("job_id IS NOT NULL"),
        ),
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
    # How it goes by mail, fixed when it is made; the mail that carried it, once one did.
    email: Mapped[str] = mapped_column(String(10), server_default="never")
    mail_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("mail_outbox.id", ondelete="SET NULL")
    )
    # The job that wrote it (followers are told by the worker): a job run twice writes once.
    job_id: Mapped[int | None] = mapped_column(BigInteger)

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
        Index(
            "ix_official_responses_proposal",
            "proposal_id",
            postgresql_where=text("proposal_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"))
    # Set when the answer is about one proposal of the item rather than the item itself.
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    team: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
