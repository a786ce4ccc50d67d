"""Importing items a council already has (a directory of community groups, a past
consultation's comments) from CSV, GeoJSON or a spreadsheet (.xlsx).

Set-based, so a million rows stay fast: the rows are COPYed into a temporary table, every check
is one SQL statement over it (each bad row reported by its line number and why), and the import
is one INSERT ... ON CONFLICT in the same transaction — all or nothing. Rows carry a source id:
importing the same file again updates those items instead of adding copies. Wards are assigned
by the database from each point, as for items shared on the site. Followers are not notified of
imported items (a bulk load would flood them).

Columns (a header row names them; others are ignored): source_id, title, category (a code:
environment, food, …), and either lat + lon or postcode; optional kind (project or idea;
--kind by default), summary, description, status, website.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from civicmap.models.vocabulary import CATEGORIES, STATUSES

COLUMNS = (
    "source_id",
    "kind",
    "title",
    "summary",
    "description",
    "category",
    "status",
    "website",
    "lat",
    "lon",
    "postcode",
)
KINDS = ("project", "idea")  # offers are made by people themselves, each for their own skills


class UnreadableFile(Exception):
    """The file cannot be read at all (wrong format, no header, missing columns)."""


@dataclass
class Report:
    rows: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


# --- reading ------------------------------------------------------------------------------------


def read_rows(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number as a person counts it, values by column) for every data row."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from _csv_rows(path)
    elif suffix in (".geojson", ".json"):
        yield from _geojson_rows(path)
    elif suffix == ".xlsx":
        yield from _xlsx_rows(path)
    else:
        raise UnreadableFile(f"{path.name}: give a .csv, .geojson or .xlsx file.")


def _check_header(names: Iterable[str], where: str) -> list[str]:
    header = [(n or "").strip().lower() for n in names]
    missing = [c for c in ("source_id", "title", "category") if c not in header]
    if not (("lat" in header and "lon" in header) or "postcode" in header):
        missing.append("lat and lon, or postcode")
    if missing:
        raise UnreadableFile(f"{where}: missing columns: {', '.join(missing)}.")
    return header


def _csv_rows(path: Path) -> Iterator[tuple[int, dict]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        try:
            header = _check_header(next(reader), path.name)
        except StopIteration:
            raise UnreadableFile(f"{path.name}: the file is empty.") from None
        for values in reader:
            if any(v.strip() for v in values):
                yield reader.line_num, dict(zip(header, values, strict=False))


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = book.active.iter_rows(values_only=True)
        try:
            header = _check_header([str(v or "") for v in next(rows)], path.name)
        except StopIteration:
            raise UnreadableFile(f"{path.name}: the sheet is empty.") from None
        for line, values in enumerate(rows, start=2):
            cells = ["" if v is None else str(v) for v in values]
            if any(c.strip() for c in cells):
                yield line, dict(zip(header, cells, strict=False))
    finally:
        book.close()


def _geojson_rows(path: Path) -> Iterator[tuple[int, dict]]:
    """Features of a FeatureCollection; their "line" is their place in it (1 = the first)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        features = data["features"]
    except (ValueError, KeyError, TypeError):
        raise UnreadableFile(f"{path.name}: not a GeoJSON FeatureCollection.") from None
    for number, feature in enumerate(features, start=1):
        props = {str(k).lower(): v for k, v in (feature.get("properties") or {}).items()}
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "Point" and len(geometry.get("coordinates") or ()) >= 2:
            props["lon"], props["lat"] = geometry["coordinates"][:2]
        yield number, {k: "" if v is None else str(v) for k, v in props.items()}


# --- checking and importing ---------------------------------------------------------------------

STAGING = """CREATE TEMP TABLE import_rows (
  line int, source_id text, kind text, title text, summary text, description text,
  category text, status text, website text, lat text, lon text, postcode text
) ON COMMIT DROP"""

NUMBER = r"^\s*-?[0-9]+(\.[0-9]+)?\s*$"
# Each row as it would be stored, with its point from lat/lon or from its postcode's middle,
# and the ward it falls in: worked out once, for the checks and the import alike (each polygon
# test once a row here, and once more by the placing trigger that confirms it).
LOCATE = f"""
CREATE TEMP TABLE import_located ON COMMIT DROP AS
WITH raw AS (
  SELECT r.*, coalesce(nullif(btrim(r.kind), ''), %(kind)s) AS kind_,
         upper(regexp_replace(coalesce(r.postcode, ''), '\\s', '', 'g')) AS pc
  FROM import_rows r
), located AS (
  SELECT raw.*,
    CASE WHEN raw.lat ~ '{NUMBER}' AND raw.lon ~ '{NUMBER}'
              AND btrim(raw.lat)::float8 BETWEEN -90 AND 90
              AND btrim(raw.lon)::float8 BETWEEN -180 AND 180
         THEN ST_SetSRID(ST_MakePoint(btrim(raw.lon)::float8, btrim(raw.lat)::float8), 4326)
         WHEN coalesce(btrim(raw.lat), '') = '' AND coalesce(btrim(raw.lon), '') = ''
              AND length(raw.pc) > 3
         THEN (SELECT p.location FROM postcodes p
               WHERE p.postcode = left(raw.pc, length(raw.pc) - 3) || ' ' || right(raw.pc, 3))
    END AS point
  FROM raw
)
SELECT located.*, w.id AS ward_id FROM located
-- The first ward a point is in (a point on a boundary is in both: the lower id, as the
-- placing trigger chooses).
LEFT JOIN LATERAL (SELECT id FROM wards WHERE ST_Intersects(geom, located.point)
                   ORDER BY id LIMIT 1) w ON true"""

PROBLEMS = """
WITH located AS (SELECT * FROM import_located)
SELECT line, reason FROM (
  SELECT line, 'no source_id' AS reason FROM located WHERE coalesce(btrim(source_id), '') = ''
  UNION ALL
  SELECT line, 'source_id ' || btrim(source_id) || ' is also on line ' || first
  FROM (SELECT line, source_id, min(line) OVER (PARTITION BY btrim(source_id)) AS first
        FROM located WHERE coalesce(btrim(source_id), '') <> '') d
  WHERE line <> first
  UNION ALL
  SELECT line, 'source_id is longer than 120 characters' FROM located
  WHERE length(btrim(source_id)) > 120
  UNION ALL
  SELECT line, 'no title (or under 3 characters)' FROM located
  WHERE length(btrim(coalesce(title, ''))) < 3
  UNION ALL
  SELECT line, 'title is longer than 120 characters' FROM located
  WHERE length(btrim(coalesce(title, ''))) > 120
  UNION ALL
  SELECT line, 'unknown kind "' || kind_ || '" (project or idea)' FROM located
  WHERE kind_ <> ALL(%(kinds)s)
  UNION ALL
  SELECT line, 'unknown category "' || coalesce(category, '') || '"' FROM located
  WHERE coalesce(btrim(category), '') <> ALL(%(categories)s)
  UNION ALL
  SELECT line, 'unknown status "' || status || '" for a ' || kind_ FROM located
  WHERE coalesce(btrim(status), '') <> ''
    AND NOT (kind_ = 'project' AND btrim(status) = ANY(%(project_statuses)s))
    AND NOT (kind_ = 'idea' AND btrim(status) = ANY(%(idea_statuses)s))
  UNION ALL
  SELECT line, 'bad coordinates "' || coalesce(lat, '') || ', ' || coalesce(lon, '') || '"'
  FROM located WHERE (coalesce(btrim(lat), '') <> '' OR coalesce(btrim(lon), '') <> '')
    AND point IS NULL
  UNION ALL
  SELECT line, 'no location (lat and lon, or a postcode)' FROM located
  WHERE coalesce(btrim(lat), '') = '' AND coalesce(btrim(lon), '') = '' AND pc = ''
  UNION ALL
  SELECT line, 'unknown postcode "' || btrim(postcode) || '"' FROM located
  WHERE coalesce(btrim(lat), '') = '' AND coalesce(btrim(lon), '') = '' AND pc <> ''
    AND point IS NULL
  UNION ALL
  SELECT line, 'outside the area' FROM located WHERE point IS NOT NULL AND ward_id IS NULL
) problems
ORDER BY line, reason"""

IMPORT = """
WITH written AS (
INSERT INTO initiatives (kind, title, summary, description, category, status, website,
                         author_id, location, source_id, ward_id)
SELECT kind_, btrim(title), nullif(btrim(summary), ''), coalesce(description, ''),
       btrim(category),
       coalesce(nullif(btrim(status), ''),
                CASE kind_ WHEN 'project' THEN 'planning' ELSE 'open' END),
       CASE WHEN kind_ = 'project' THEN nullif(btrim(website), '') END,
       %(author)s, point, btrim(source_id), ward_id
FROM import_located
-- The ward is a hint the placing trigger confirms with one polygon test; rows in ward order,
-- so consecutive tests are against the same (cached, prepared) polygon.
ORDER BY ward_id, line
ON CONFLICT (source_id) WHERE source_id IS NOT NULL DO UPDATE SET
  title = EXCLUDED.title, summary = EXCLUDED.summary, description = EXCLUDED.description,
  category = EXCLUDED.category, status = EXCLUDED.status, website = EXCLUDED.website,
  location = EXCLUDED.location, updated_at = now(), version = initiatives.version + 1
WHERE (initiatives.title, initiatives.summary, initiatives.description, initiatives.category,
       initiatives.status, initiatives.website, ST_AsEWKB(initiatives.location))
  IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.summary, EXCLUDED.description, EXCLUDED.category,
                    EXCLUDED.status, EXCLUDED.website, ST_AsEWKB(EXCLUDED.location))
RETURNING (xmax = 0) AS created
)
-- Counted here: a million rows are not sent back to be counted.
SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM written"""


def stage(session: Session, rows: Iterable[tuple[int, dict]], tick: Callable[[], None]) -> int:
    """COPY the rows into this transaction's temporary table; how many there were."""
    connection = session.connection().connection.driver_connection
    count = 0
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_rows")  # one left by an earlier run here
        cursor.execute(STAGING)
        with cursor.copy(f"COPY import_rows (line, {', '.join(COLUMNS)}) FROM STDIN") as copy:
            for line, values in rows:
                copy.write_row((line, *(_text(values.get(c)) for c in COLUMNS)))
                count += 1
                tick()
    return count


def _text(value) -> str | None:
    if value is None:
        return None
    return str(value).replace("\x00", "")


def params(kind: str, author_id: int | None = None) -> dict:
    return {
        "kind": kind,
        "kinds": list(KINDS),
        "categories": list(CATEGORIES),
        "project_statuses": list(STATUSES["project"]),
        "idea_statuses": list(STATUSES["idea"]),
        "author": author_id,
    }


def run(
    session: Session,
    path: Path,
    author_id: int,
    kind: str = "project",
    dry_run: bool = True,
    tick: Callable[[], None] = lambda: None,
) -> Report:
    """Check every row; unless `dry_run` and if no row is bad, import them all. The caller
    commits (or rolls back: a dry run changes nothing either way)."""
    if kind not in KINDS:
        raise UnreadableFile(f"--kind must be one of: {', '.join(KINDS)}.")
    report = Report()
    report.rows = stage(session, read_rows(path), tick)
    connection = session.connection()
    connection.exec_driver_sql("ANALYZE import_rows")
    connection.exec_driver_sql("DROP TABLE IF EXISTS import_located")  # as in stage()
    connection.exec_driver_sql(LOCATE, params(kind))
    report.problems = [
        (line, reason) for line, reason in connection.exec_driver_sql(PROBLEMS, params(kind)).all()
    ]
    if dry_run or report.problems:
        return report
    # The app plans every statement afresh (force_custom_plan, for the map's bbox queries); per
    # row that replans the triggers' lookups and the foreign-key checks. Cached plans for this
    # transaction only (as demo.seed_synthetic measured: 15.6k -> 25k+ rows/s).
    connection.exec_driver_sql("SET LOCAL plan_cache_mode = auto")
    report.created, report.updated = connection.exec_driver_sql(
        IMPORT, params(kind, author_id)
    ).one()
    return report
