"""People: accounts, their roles and what they say about themselves."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civicmap.extensions import db
from civicmap.models.areas import Ward
from civicmap.models.vocabulary import EMAIL_FREQUENCIES, ROLES, sql_in


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # Emails are unique whatever their case: Ann@x.org and ann@x.org are one person.
        Index("uq_users_email_lower", func.lower(text("email")), unique=True),
        CheckConstraint(f"role IN {sql_in(ROLES)}", name="ck_users_role"),
        CheckConstraint("char_length(btrim(display_name)) > 0", name="ck_users_display_name"),
        CheckConstraint("position('@' in email) > 1", name="ck_users_email_shape"),
        CheckConstraint(
            f"email_frequency IN {sql_in(EMAIL_FREQUENCIES)}", name="ck_users_email_frequency"
        ),
        CheckConstraint("locale IN ('en', 'pt_PT', 'es', 'pl')", name="ck_users_locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    display_name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(255))
    bio: Mapped[str] = mapped_column(String(1000), server_default="")
    skills: Mapped[list[str]] = mapped_column(ARRAY(String(40)), server_default="{}")
    home_ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(12), server_default="resident")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Part of every session's and remember-me cookie's identity (get_id): raising it ends them.
    session_version: Mapped[int] = mapped_column(Integer, server_default="1")
    # Suspended by a moderator: cannot log in or post; their content is hidden meanwhile.
    suspended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    profile_hidden: Mapped[bool] = mapped_column(server_default="false")
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Mail: how often (vocabulary.EMAIL_FREQUENCIES); none until the address is confirmed, and
    # none after the recipient's server refused it for good.
    email_frequency: Mapped[str] = mapped_column(String(10), server_default="daily")
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    email_undeliverable_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The language the person reads civicmap in (i18n.LANGUAGES); None: as their browser asks.
    locale: Mapped[str | None] = mapped_column(String(10))

    home_ward: Mapped[Ward | None] = relationship()

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    def end_sessions(self) -> None:
        """Every session and remember-me cookie of this account stops working."""
        self.session_version += 1

    @property
    def may_get_mail(self) -> bool:
        return bool(
            self.email_confirmed_at and not self.email_undeliverable_at and not self.deleted_at
        )

    @property
    def is_officer(self) -> bool:
        return self.role in ("officer", "admin")

    @property
    def is_moderator(self) -> bool:
        return self.role in ("moderator", "admin")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.display_name}>"
