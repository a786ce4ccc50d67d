"""Areas: the wards a council is divided into."""

from geoalchemy2 import Geometry
from sqlalchemy import BigInteger, CheckConstraint, Float, ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from civicmap.extensions import db


class Ward(db.Model):
    __tablename__ = "wards"
    __table_args__ = (
        CheckConstraint("ST_IsValid(geom)", name="ck_wards_geom_valid"),
        CheckConstraint("char_length(name) > 0", name="ck_wards_name_present"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    # Deferred: every item loads its ward (for its name and link), and the polygon is tens of
    # kilobytes that no page reads through the ORM (PostGIS does the geometry in SQL).
    geom = mapped_column(
        Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), nullable=False, deferred=True
    )

    def __repr__(self) -> str:
        return f"<Ward {self.code} {self.name}>"


class Postcode(db.Model):
    """A postcode centroid, for "near me" by postcode (loaded from a file at run time)."""

    __tablename__ = "postcodes"

    postcode: Mapped[str] = mapped_column(String(8), primary_key=True)  # "SW2 1AA"
    location = mapped_column(Geometry("POINT", srid=4326, spatial_index=False), nullable=False)


class MapCell(db.Model):
    """Items per grid cell, zoom level and kind; kept by triggers (migration 0003)."""

    __tablename__ = "map_cells"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    gx: Mapped[int] = mapped_column(primary_key=True)
    gy: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    n: Mapped[int]
    sx: Mapped[float] = mapped_column(Float)
    sy: Mapped[float] = mapped_column(Float)


class WardCount(db.Model):
    """Visible items per ward and kind, and their appreciations; kept by triggers (migration
    0008) so ward pages and the officers' table need not count a million rows."""

    __tablename__ = "ward_counts"

    ward_id: Mapped[int] = mapped_column(
        ForeignKey("wards.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    items: Mapped[int]
    appreciations: Mapped[int] = mapped_column(BigInteger)


class WardOfferedSkill(db.Model):
    """How many available offers in a ward give a skill; kept by triggers (migration 0027)."""

    __tablename__ = "ward_offered_skills"

    ward_id: Mapped[int] = mapped_column(
        ForeignKey("wards.id", ondelete="CASCADE"), primary_key=True
    )
    skill: Mapped[str] = mapped_column(String(40), primary_key=True)
    offers: Mapped[int]
