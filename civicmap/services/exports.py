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
       w.code AS ward_code, w.name AS ward_name,
       ST_X(i.public_location) AS lon, ST_Y(i.public_location) AS lat,
       i.appreciation_count AS appreciations, i.created_at, i.updated_at
FROM initiatives i JOIN wards w ON w.id = i.ward_id
WHERE {where} ORDER BY i.id"""


def rows(session: Session, f: Filters) -> Iterator[dict]:
    """Public items matching the filters, oldest first, streamed from a server-side cursor in
    batches so memory stays flat as data grows."""
    condition, params = where(f)
    result = session.connection().exec_driver_sql(
        ROWS.format(where=condition),
        params,
        execution_options={"stream_results": True, "yield_per": BATCH},
    )
    for row in result.mappings():
        yield dict(row)


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
            lon=round(record["lon"], 6),
            lat=round(record["lat"], 6),
            created_at=record["created_at"].isoformat(),
            updated_at=record["updated_at"].isoformat(),
        )
        writer.writerow(record)
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
