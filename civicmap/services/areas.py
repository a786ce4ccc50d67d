"""Areas: importing ward boundaries and postcodes, and what each ward holds."""

import csv

from flask_babel import lazy_gettext as _l
from slugify import slugify
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from civicmap.errors import Invalid, NotFound
from civicmap.geo import AreaFeature, parse_point, point_of, to_db
from civicmap.models import Postcode, Ward


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
    return _value(
        session,
        "SELECT json_build_object('type', 'Feature', 'properties', json_build_object(),"
        " 'geometry', ST_AsGeoJSON(ST_Union(geom), 6)::json)::text FROM wards",
    )


WARD_STATS_SQL = """
WITH items AS (  -- stored counts (migration 0008), not a count of every item
  SELECT ward_id,
         sum(items) FILTER (WHERE kind = 'project') AS projects,
         sum(items) FILTER (WHERE kind = 'idea') AS ideas,
         sum(items) FILTER (WHERE kind = 'offer') AS offers,
         sum(appreciations) AS appreciations
  FROM ward_counts c WHERE items > 0 {only_ward} GROUP BY ward_id
), props AS (
  SELECT i.ward_id,
         count(*) FILTER (WHERE p.status = 'open') AS open_proposals,
         count(*) FILTER (WHERE p.status = 'full') AS full_proposals,
         count(*) FILTER (WHERE p.status = 'done') AS done_proposals
  FROM proposals p JOIN initiatives i ON i.id = p.initiative_id
  WHERE NOT i.hidden AND NOT p.hidden {only_ward} GROUP BY i.ward_id
), vols AS (
  SELECT i.ward_id, count(*) AS volunteers
  FROM volunteerings v JOIN proposals p ON p.id = v.proposal_id
  JOIN initiatives i ON i.id = p.initiative_id
  WHERE v.status = 'active' AND NOT i.hidden AND NOT p.hidden {only_ward} GROUP BY i.ward_id
)
SELECT w.id, w.code, w.name, w.slug,
       coalesce(items.projects, 0) AS projects, coalesce(items.ideas, 0) AS ideas,
       coalesce(items.offers, 0) AS offers, coalesce(items.appreciations, 0) AS appreciations,
       coalesce(props.open_proposals, 0) AS open_proposals,
       coalesce(props.full_proposals, 0) AS full_proposals,
       coalesce(props.done_proposals, 0) AS done_proposals,
       coalesce(vols.volunteers, 0) AS volunteers
FROM (SELECT * FROM (SELECT id, id AS ward_id, code, name, slug FROM wards) a
      WHERE true {only_ward}) w
LEFT JOIN items ON items.ward_id = w.id
LEFT JOIN props ON props.ward_id = w.id
LEFT JOIN vols ON vols.ward_id = w.id
ORDER BY w.name
"""


def _only_ward(ward_id: int | None) -> str:
    """' AND ward_id = %(ward_id)s' when one ward is asked for; nothing for the whole area.

    Written out rather than `(%(ward_id)s IS NULL OR ...)`, which the planner cannot serve from
    an index. Unqualified: each statement it goes into has one table with a ward_id.
    """
    return " AND ward_id = %(ward_id)s " if ward_id is not None else " "


def _rows(session: Session, sql: str, params: dict | None = None) -> list[dict]:
    return [dict(r) for r in session.connection().exec_driver_sql(sql, params or {}).mappings()]


def _value(session: Session, sql: str, params: dict | None = None):
    return session.connection().exec_driver_sql(sql, params or {}).scalar()


def ward_stats(session: Session, ward_id: int | None = None) -> list[dict]:
    """Per ward: counts of each kind, proposals by status, volunteers, appreciations."""
    # One ward's page counts only its own rows (the indexes on ward_id serve that).
    sql = WARD_STATS_SQL.format(only_ward=_only_ward(ward_id))
    rows = _rows(session, sql, {"ward_id": ward_id})
    return [dict(r, total=r["projects"] + r["ideas"] + r["offers"]) for r in rows]


def get_ward(session: Session, slug: str) -> Ward:
    ward = session.scalar(select(Ward).where(Ward.slug == slug))
    if ward is None:
        raise NotFound(_l("There is no ward called %(slug)s.", slug=slug))
    return ward


def wards_geojson(session: Session) -> str:
    """All wards as a GeoJSON FeatureCollection with their activity, built in PostGIS."""
    return _value(
        session,
        "SELECT json_build_object('type', 'FeatureCollection', 'features',"
        " coalesce(json_agg(json_build_object('type', 'Feature', 'id', w.code,"
        " 'geometry', ST_AsGeoJSON(w.geom, 5)::json,"
        " 'properties', json_build_object('code', w.code, 'name', w.name, 'slug', w.slug,"
        " 'items', coalesce(c.n, 0))) ORDER BY w.name), '[]'::json))::text FROM wards w"
        " LEFT JOIN (SELECT ward_id, sum(items) AS n FROM ward_counts"
        " GROUP BY ward_id) c ON c.ward_id = w.id",
    )


# Counts kept by triggers (migration 0027), not an unnest of every offer.
SKILLS_SQL = """
SELECT skill, sum(offers) AS n FROM ward_offered_skills i WHERE offers > 0 {only_ward}
GROUP BY skill ORDER BY n DESC, skill LIMIT 30
"""


def skills_offered(session: Session, ward_id: int | None = None) -> list[tuple[str, int]]:
    """Skills offered (by available offers), most common first."""
    sql = SKILLS_SQL.format(only_ward=_only_ward(ward_id))
    return [(r["skill"], r["n"]) for r in _rows(session, sql, {"ward_id": ward_id})]


def new_per_month(session: Session) -> list[dict]:
    """New items per ward per month, for the officers' dashboard (last 12 months)."""
    return _rows(
        session,
        "SELECT to_char(date_trunc('month', created_at), 'YYYY-MM') AS month,"
        " count(*) AS items FROM initiatives WHERE NOT hidden"
        " AND created_at > now() - interval '12 months' GROUP BY 1 ORDER BY 1",
    )


def proposals_needing_volunteers(session: Session, ward_id: int, limit: int = 20) -> list[dict]:
    """Open proposals in a ward that still want volunteers, with how many are missing."""
    return _rows(
        session,
        "SELECT p.id, p.action, p.volunteers_needed, i.id AS item_id, i.kind, i.title,"
        " p.volunteers_needed - count(v.id) FILTER (WHERE v.status = 'active') AS missing"
        " FROM proposals p JOIN initiatives i ON i.id = p.initiative_id"
        " LEFT JOIN volunteerings v ON v.proposal_id = p.id"
        " WHERE i.ward_id = %(ward_id)s AND NOT i.hidden AND NOT p.hidden AND p.status = 'open'"
        " AND p.volunteers_needed > 0"
        " GROUP BY p.id, i.id ORDER BY p.created_at DESC LIMIT %(limit)s",
        {"ward_id": ward_id, "limit": limit},
    )


RECENT_ACTIVITY_SQL = """
SELECT * FROM (
  SELECT 'item' AS what, i.created_at AS at, i.id AS item_id, i.kind, i.title,
         u.display_name AS who
  FROM initiatives i JOIN users u ON u.id = i.author_id
  WHERE NOT i.hidden {only_ward} ORDER BY i.created_at DESC LIMIT %(limit)s) a
UNION ALL SELECT * FROM (
  SELECT 'comment', c.created_at, i.id, i.kind, i.title, u.display_name
  FROM comments c JOIN initiatives i ON i.id = c.initiative_id JOIN users u ON u.id = c.author_id
  WHERE NOT i.hidden AND NOT c.hidden {only_ward} ORDER BY c.created_at DESC LIMIT %(limit)s) b
UNION ALL SELECT * FROM (
  SELECT 'proposal', p.created_at, i.id, i.kind, i.title, u.display_name
  FROM proposals p JOIN initiatives i ON i.id = p.initiative_id JOIN users u ON u.id = p.author_id
  WHERE NOT i.hidden AND NOT p.hidden {only_ward} ORDER BY p.created_at DESC LIMIT %(limit)s) c
ORDER BY at DESC LIMIT %(limit)s
"""


def recent_activity(session: Session, ward_id: int | None, limit: int = 15) -> list[dict]:
    """The latest things that happened (new items, comments, proposals), newest first."""
    sql = RECENT_ACTIVITY_SQL.format(only_ward=_only_ward(ward_id))
    return _rows(session, sql, {"ward_id": ward_id, "limit": limit})


def ward_bbox(session: Session, ward_id: int) -> list[float]:
    """[west, south, east, north] of a ward."""
    box = session.execute(
        select(
            func.ST_XMin(Ward.geom),
            func.ST_YMin(Ward.geom),
            func.ST_XMax(Ward.geom),
            func.ST_YMax(Ward.geom),
        ).where(Ward.id == ward_id)
    ).one()
    return [round(v, 5) for v in box]


def ward_point(session: Session, ward_id: int):
    """A point surely inside a ward (its centroid may not be): where "near my ward" starts."""
    return point_of(
        session.scalar(select(func.ST_PointOnSurface(Ward.geom)).where(Ward.id == ward_id))
    )


def import_postcodes(session: Session, lines) -> int:
    """Upsert postcode centroids from CSV lines with postcode, lat and lon columns.

    Every row is checked before any is written; Invalid names the first bad line.
    """
    reader = csv.DictReader(lines)
    missing = {"postcode", "lat", "lon"} - set(reader.fieldnames or [])
    if missing:
        raise Invalid(
            "file",
            f"The CSV needs the columns postcode, lat and lon (missing: "
            f"{', '.join(sorted(missing))}).",
        )
    rows = []
    for n, row in enumerate(reader, start=2):
        try:
            point = parse_point(row["lat"], row["lon"])
        except Invalid:
            raise Invalid(
                "file", f"Line {n}: lat/lon {row['lat']!r}, {row['lon']!r} is not a point."
            ) from None
        code = normalise_postcode(row["postcode"] or "")
        if not 5 <= len(code) <= 8:
            raise Invalid("file", f"Line {n}: {row['postcode']!r} is not a postcode.")
        rows.append({"postcode": code, "location": f"SRID=4326;POINT({point.x} {point.y})"})
    if not rows:
        raise Invalid("file", "The CSV has no rows.")
    stmt = insert(Postcode)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[Postcode.postcode], set_={"location": stmt.excluded.location}
        ),
        rows,
    )
    return len(rows)


def normalise_postcode(text_: str) -> str:
    """'sw21aa' -> 'SW2 1AA' (outward code, one space, inward code)."""
    compact = "".join(text_.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def ward_choices(session: Session) -> list[tuple[int, str]]:
    return [(w.id, w.name) for w in session.execute(select(Ward.id, Ward.name).order_by(Ward.name))]


def ward_slugs(session: Session) -> list[tuple[str, str]]:
    return [
        (w.slug, w.name) for w in session.execute(select(Ward.slug, Ward.name).order_by(Ward.name))
    ]


def extent(session: Session) -> list[float]:
    """[west, south, east, north] of the area (all wards)."""
    box = session.execute(
        select(
            func.ST_XMin(func.ST_Extent(Ward.geom)),
            func.ST_YMin(func.ST_Extent(Ward.geom)),
            func.ST_XMax(func.ST_Extent(Ward.geom)),
            func.ST_YMax(func.ST_Extent(Ward.geom)),
        )
    ).one()
    return [round(v, 6) for v in box] if box[0] is not None else [-180.0, -90.0, 180.0, 90.0]


def ward_containing(session: Session, lat: float, lon: float) -> int | None:
    """The ward a point lies in, or None outside the area."""
    return _value(
        session,
        "SELECT id FROM wards WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint(%(lon)s,"
        " %(lat)s), 4326)) ORDER BY id LIMIT 1",
        {"lat": lat, "lon": lon},
    )


def find_postcode(session: Session, text_: str) -> Postcode | None:
    """A postcode's centroid, however it was typed ('sw21rw', 'SW2 1RW'); None if unknown."""
    code = normalise_postcode(text_ or "")
    return session.get(Postcode, code) if 5 <= len(code) <= 8 else None


def ward_at(session: Session, lat: float, lon: float) -> Ward | None:
    ward_id = ward_containing(session, lat, lon)
    return session.get(Ward, ward_id) if ward_id is not None else None
