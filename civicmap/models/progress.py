"""A project's progress: updates on its timeline, and the photos on items and updates."""

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civicmap.extensions import db
from civicmap.models.people import User
from civicmap.models.vocabulary import HIDDEN_REASONS, sql_in

_HIDDEN = (
    f"(hidden AND hidden_reason IN {sql_in(HIDDEN_REASONS)})"
    " OR (NOT hidden AND hidden_reason IS NULL)"
)
MAX_PHOTOS_PER_UPDATE = 6


class Update(db.Model):
    """What a project's author says happened, at a stage of the cycle."""

    __tablename__ = "updates"
    __table_args__ = (
        ForeignKeyConstraint(
            ["initiative_id", "initiative_kind"],
            ["initiatives.id", "initiatives.kind"],
            name="fk_updates_initiative",
            ondelete="CASCADE",
        ),
        CheckConstraint("initiative_kind IN ('project', 'event')", name="ck_updates_target"),
        CheckConstraint(
            "char_length(btrim(body)) BETWEEN 1 AND 5000", name="ck_updates_body_length"
        ),
        CheckConstraint(_HIDDEN, name="ck_updates_hidden_reason"),
        Index("ix_updates_initiative", "initiative_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(Integer)
    initiative_kind: Mapped[str] = mapped_column(String(10))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    body: Mapped[str] = mapped_column(Text)
    stage: Mapped[str | None] = mapped_column(String(20))  # the stage it moved the project to
    hidden: Mapped[bool] = mapped_column(server_default="false")
    hidden_reason: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    author: Mapped[User] = relationship(lazy="joined")
    # Loaded for every update of a timeline at once (selectin), not one query per update.
    photos: Mapped[list["Photo"]] = relationship(
        lazy="selectin",
        order_by="Photo.id",
        primaryjoin="and_(Photo.update_id == Update.id, Photo.hidden.is_(False))",
        viewonly=True,
    )


class Photo(db.Model):
    """A photo on an item or an update. The row is what is public; the files (re-encoded, no
    metadata) are in storage under `key` (services/photos.py)."""

    __tablename__ = "photos"
    __table_args__ = (
        CheckConstraint("num_nonnulls(initiative_id, update_id) = 1", name="ck_photos_owner"),
        CheckConstraint("char_length(btrim(alt)) >= 3", name="ck_photos_alt"),
        CheckConstraint("width > 0 AND height > 0", name="ck_photos_size"),
        CheckConstraint(_HIDDEN, name="ck_photos_hidden_reason"),
        Index("ix_photos_initiative", "initiative_id"),
        Index("ix_photos_update", "update_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE")
    )
    update_id: Mapped[int | None] = mapped_column(ForeignKey("updates.id", ondelete="CASCADE"))
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    alt: Mapped[str] = mapped_column(String(300))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    hidden: Mapped[bool] = mapped_column(server_default="false")
    hidden_reason: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    def shown_size(self, longest: int = 480) -> tuple[int, int]:
        """Its width and height at a size of the longest side (never larger than it is)."""
        scale = min(1.0, longest / max(self.width, self.height))
        return max(1, round(self.width * scale)), max(1, round(self.height * scale))
