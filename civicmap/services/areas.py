"""Areas: importing ward boundaries and finding wards."""

from slugify import slugify
from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from civicmap.geo import AreaFeature, to_db
from civicmap.models import Ward


def ward_slug(name: str) -> str:
    """URL slug of a ward name: "St Martin's" -> "st-martins"."""
    return slugify(name, replacements=[["'", ""], ["\u2019", ""]])


def import_areas(session: Session, features: list[AreaFeature]) -> dict[str, int]:
    """Upsert wards by code; returns how many were created and updated.

    The caller commits, so a failure part-way leaves nothing behind.
    """
    existing = set(session.scalars(select(Ward.code)))
    for area in features:
        stmt = insert(Ward).values(
            code=area.code,
            name=area.name,
            slug=ward_slug(area.name),
            geom=func.ST_Multi(to_db(area.geometry)),
        )
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=[Ward.code],
                set_={
                    "name": stmt.excluded.name,
                    "slug": stmt.excluded.slug,
                    "geom": stmt.excluded.geom,
                },
            )
        )
    codes = {a.code for a in features}
    return {"created": len(codes - existing), "updated": len(codes & existing)}


def boundary_geojson(session: Session) -> str:
    """The union of all wards as a GeoJSON Feature (text), built in PostGIS."""
    return session.scalar(
        text(
            "SELECT json_build_object('type', 'Feature', 'properties', json_build_object(),"
            " 'geometry', ST_AsGeoJSON(ST_Union(geom), 6)::json)::text FROM wards"
        )
    )
