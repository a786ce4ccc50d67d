"""The one place that knows about geometry: parsing, validating and turning shapes into SQL values.

Coordinates are WGS84 (SRID 4326), GeoJSON order [lon, lat].
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import MultiPolygon, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import func

from civicmap.errors import Invalid, InvalidParameter

SRID = 4326


@dataclass(frozen=True)
class AreaFeature:
    code: str
    name: str
    geometry: MultiPolygon


def parse_point(lat: Any, lon: Any) -> Point:
    """A WGS84 point from latitude/longitude given as text or numbers; Invalid if not one."""
    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError):
        raise Invalid("location", _l("Give the location as a latitude and a longitude.")) from None
    if not (math.isfinite(lat_f) and math.isfinite(lon_f)):
        raise Invalid("location", _l("Give the location as a latitude and a longitude."))
    if not (-90 <= lat_f <= 90 and -180 <= lon_f <= 180):
        raise Invalid(
            "location", _l("Latitude must be between -90 and 90, longitude between -180 and 180.")
        )
    return Point(lon_f, lat_f)


def to_db(geom: BaseGeometry):
    """A Shapely geometry as a value for a GeoAlchemy2 column."""
    return from_shape(geom, srid=SRID)


def point_of(value) -> Point | None:
    """A Shapely point from a GeoAlchemy2 column value (None stays None)."""
    return to_shape(value) if value is not None else None


def read_area_features(text: str) -> list[AreaFeature]:
    """Ward polygons from a GeoJSON FeatureCollection, all validated before any is used.

    Reads `code`/`name` properties, or the ONS-style `WD22CD`/`WD22NM` (any `WDyyCD`).
    Raises Invalid naming the first bad feature; returns nothing partial.
    """
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Invalid(
            "file", f"The file is not valid JSON ({exc.msg} at line {exc.lineno})."
        ) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise Invalid("file", "The file must be a GeoJSON FeatureCollection.")
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        raise Invalid("file", "The FeatureCollection has no features.")

    areas: list[AreaFeature] = []
    seen: set[str] = set()
    for n, feature in enumerate(features, start=1):
        props = (feature or {}).get("properties") or {}
        code = _first(props, "code", suffix="CD")
        name = _first(props, "name", suffix="NM")
        where = f"Feature {n}" + (f" ({code})" if code else "")
        if not code or not name:
            raise Invalid("file", f"{where} has no code or name property.")
        if code in seen:
            raise Invalid("file", f"{where}: the code {code} appears twice.")
        seen.add(code)
        try:
            geom = shape(feature.get("geometry") or {})
        except (ValueError, TypeError, AttributeError, IndexError) as exc:
            raise Invalid("file", f"{where} has a geometry that cannot be read ({exc}).") from None
        if isinstance(geom, Polygon):
            geom = MultiPolygon([geom])
        if not isinstance(geom, MultiPolygon) or geom.is_empty:
            raise Invalid("file", f"{where} must be a Polygon or MultiPolygon.")
        if not geom.is_valid:
            raise Invalid("file", f"{where} has an invalid geometry (e.g. a self-intersection).")
        minx, miny, maxx, maxy = geom.bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise Invalid("file", f"{where} is not in longitude/latitude (WGS84) coordinates.")
        areas.append(AreaFeature(code=str(code).strip(), name=str(name).strip(), geometry=geom))
    return areas


def _first(props: dict, key: str, suffix: str) -> str | None:
    """props[key], or the first ONS-style WDyy<suffix> property (WD22CD, WD22NM...)."""
    if props.get(key):
        return str(props[key])
    for k, v in props.items():
        if k.upper().startswith("WD") and k.upper().endswith(suffix) and v:
            return str(v)
    return None


@dataclass(frozen=True)
class BBox:
    """A WGS84 box: west, south, east, north."""

    west: float
    south: float
    east: float
    north: float

    def envelope(self):
        """The box as a PostGIS geometry, for index-served `&&` filters."""
        return func.ST_MakeEnvelope(self.west, self.south, self.east, self.north, SRID)

    def params(self) -> dict[str, float]:
        """The box as the bound parameters of ENVELOPE_SQL."""
        return {"west": self.west, "south": self.south, "east": self.east, "north": self.north}


# The box of BBox.params() in SQL text (psycopg's placeholder style).
ENVELOPE_SQL = "ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326)"
# A (lat, lon) point given as the bound parameters %(lat)s and %(lon)s, and the distance in metres
# (on the spheroid) from a geometry column to it.
POINT_SQL = "ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)"
METRES_TO_POINT_SQL = "ST_Distance(geography({column}), geography(" + POINT_SQL + "))"
# The same on a sphere: within 0.5% of the spheroid, a seventh cheaper, for distances that are
# rounded to 100 m before anyone reads them.
SPHERE_METRES_TO_POINT_SQL = "ST_DistanceSphere({column}, " + POINT_SQL + ")"


def near_point_sql(column: str) -> str:
    """SQL: `column` lies within %(within)s metres of the point %(lat)s/%(lon)s. A box around the
    point first (the column's GiST index serves it), then the exact distance on the spheroid."""
    return (
        f"{column} && ST_Expand({POINT_SQL}, %(dx)s, %(dy)s)"
        f" AND ST_DWithin(geography({column}), geography({POINT_SQL}), %(within)s)"
    )


def near_params(point: Point, within_m: float) -> dict[str, float]:
    """The bound parameters of near_point_sql: the box around the circle, in degrees of
    longitude (dx, shorter away from the equator) and of latitude (dy), with 1% to spare."""
    dy = within_m * 1.01 / 111_000
    dx = dy / math.cos(math.radians(point.y))
    return {"lat": point.y, "lon": point.x, "within": within_m, "dx": dx, "dy": dy}


# The distances a person can choose for "near me" (following a skill, matching needs).
NEAR_DISTANCES = (500, 1000, 2000, 5000)


def distance_label(metres: int):
    """'600 m', '1.2 km' in the decimal mark of the reader's language; lazy, so a form's choices
    can be made once at import and still read in each reader's language."""
    from flask_babel import format_decimal
    from flask_babel.speaklater import LazyString

    def label() -> str:
        if metres < 1000:
            return f"{metres} m"
        return f"{format_decimal(metres / 1000, format='#,##0.#')} km"

    return LazyString(label)


def rounded_metres(metres: float, step: int = 100) -> int:
    """A distance as people are told it: to the nearest 100 m, so no exact point can be
    worked back from many distances."""
    return int(round(metres / step) * step)


# What a bbox argument looks like (also its OpenAPI pattern): plain ASCII decimal numbers.
BBOX_PATTERN = r"^\s*-?[0-9]+(\.[0-9]+)?(\s*,\s*-?[0-9]+(\.[0-9]+)?){3}\s*$"


MAX_BBOX_DEGREES = 2.0  # a view wider than this is not a map of one council area


def parse_bbox(text: str | None) -> BBox | None:
    """'west,south,east,north' -> BBox; None when absent; Invalid with a reason otherwise."""
    if text is None or not text.strip():
        return None
    # float() also reads other scripts' digits, "1e2" and "inf": only plain ASCII numbers here.
    if not re.fullmatch(BBOX_PATTERN, text):
        raise InvalidParameter("bbox", _l("bbox must be four numbers: west,south,east,north."))
    values = [float(p) for p in text.split(",")]
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise InvalidParameter("bbox", _l("bbox must be four numbers: west,south,east,north."))
    west, south, east, north = values
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise InvalidParameter(
            "bbox", _l("bbox must have west < east and south < north, in degrees (WGS84).")
        )
    if east - west > MAX_BBOX_DEGREES or north - south > MAX_BBOX_DEGREES:
        raise InvalidParameter("bbox", _l("That area is too large; zoom in on the map."))
    return BBox(west, south, east, north)


def cluster_cell(zoom: int) -> float:
    """The grid cell (degrees) for server-side clusters at a zoom: about 40 px on screen."""
    return 360.0 / (2**zoom) / 6


def metres(geom_a, geom_b):
    """The distance in metres between two WGS84 geometries (on the spheroid)."""
    return func.ST_Distance(func.geography(geom_a), func.geography(geom_b))


def make_point(lat: float, lon: float):
    return func.ST_SetSRID(func.ST_MakePoint(lon, lat), SRID)
