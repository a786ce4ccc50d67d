"""Open needs by skill and place: kept by the database's triggers (migration 0026), read by
services/matching.py. Never written by the application."""

from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from civicmap.extensions import db


class SkillNeed(db.Model):
    __tablename__ = "skill_needs"
    __table_args__ = (
        Index("ix_skill_needs_near", "skill", "point", postgresql_using="gist"),
        Index("ix_skill_needs_initiative", "initiative_id"),
        Index(
            "ix_skill_needs_proposal",
            "proposal_id",
            postgresql_where=text("proposal_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    skill: Mapped[str] = mapped_column(String(40))
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiatives.id", ondelete="CASCADE"))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    point = mapped_column(Geometry("POINT", srid=4326, spatial_index=False), nullable=False)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
