"""Open-data exports of what is public: CSV and GeoJSON (RFC 7946), streamed row by row.

Only public fields leave: no email, no author identity, and only `public_location` (so an
offer's exact point never does).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import orjson
from sqlalchemy.orm import Session

from civicmap.extensions import read_connection
from civicmap.filters import Filters
from civicmap.services.filter_sql import where

COLUMNS = [
    "id",
    "kind",
    "title",
    "summary",
    "category",
    "status",
    "offer_type",
    "skills",
    "skills_needed",
    "ward_code",
    "ward_name",
    "lon",
    "lat",
    "appreciations",
    "created_at",
    "updated_at",
]
BATCH = 1000


ROWS = """SELECT i.id, i.kind, i.title, i.summary, i.category, i.status, i.offer_type, i.skills,
       i.skills_needed,
       w.code AS ward_code, w.name AS ward_name,
       ST_X(i.public_location) AS lon, ST_Y(i.public_location) AS lat,
       i.appreciation_count AS appreciations, i.created_at, i.updated_at
FROM initiatives i JOIN wards w ON w.id = i.ward_id
WHERE {where} AND i.id > %(after)s ORDER BY i.id LIMIT %(batch)s"""


def rows(session: Session, f: Filters) -> Iterator[dict]:
    """Public items matching the filters, oldest first, in batches so memory stays flat.

    Each batch is its own statement outside a transaction (keyset paging on the primary key),
    so a client that downloads slowly never keeps a transaction, or a snapshot, open on the
    database between batches.
    """
    condition, params = where(f)
    sql = ROWS.format(where=condition)
    connection = read_connection(session)
    after = 0
    while True:
        batch = connection.exec_driver_sql(sql, params | {"after": after, "batch": BATCH}).all()
        for row in batch:
            yield dict(row._mapping)
        if len(batch) < BATCH:
            return
        after = batch[-1].id


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text a spreadsheet would run as a formula, quoted so it is shown as text (OWASP's rule
    for CSV injection); numbers and other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_chunks(records: Iterator[dict]) -> Iterator[str]:
    """CSV text in chunks; a UTF-8 byte-order mark first so spreadsheets read accents right."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writeheader()
    for n, record in enumerate(records, start=1):
        record = dict(
            record,
            skills=";".join(record["skills"] or []),
            skills_needed=";".join(record["skills_needed"] or []),
            lon=round(record["lon"], 6),
            lat=round(record["lat"], 6),
            created_at=record["created_at"].isoformat(),
            updated_at=record["updated_at"].isoformat(),
        )
        writer.writerow({k: spreadsheet_safe(v) for k, v in record.items()})
        if n % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def geojson_chunks(records: Iterator[dict], item_url) -> Iterator[bytes]:
    """A GeoJSON FeatureCollection (RFC 7946: WGS84 lon/lat), one feature at a time."""
    yield b'{"type":"FeatureCollection","features":['
    first = True
    for record in records:
        feature = {
            "type": "Feature",
            "id": record["id"],
            "geometry": {
                "type": "Point",
                "coordinates": [round(record["lon"], 6), round(record["lat"], 6)],
            },
            "properties": {k: record[k] for k in COLUMNS if k not in ("id", "lon", "lat")}
            | {"url": item_url(record)},
        }
        yield (b"" if first else b",") + orjson.dumps(feature)
        first = False
    yield b"]}"
