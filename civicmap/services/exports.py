"""Open-data exports of what is public: CSV and GeoJSON (RFC 7946), streamed row by row.

Only public fields leave: no email, no author identity, and only `public_location` (so an
offer's exact point never does).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civicmap.models import Initiative, Ward

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


def rows(session: Session, ward_id: int | None = None, kind: str | None = None) -> Iterator[dict]:
    """Public items, oldest first, read in batches so memory stays flat as data grows."""
    i, w = Initiative.__table__.c, Ward.__table__.c
    query = (
        select(
            i.id,
            i.kind,
            i.title,
            i.summary,
            i.category,
            i.status,
            i.offer_type,
            i.skills,
            w.code.label("ward_code"),
            w.name.label("ward_name"),
            func.ST_X(i.public_location).label("lon"),
            func.ST_Y(i.public_location).label("lat"),
            i.appreciation_count.label("appreciations"),
            i.created_at,
            i.updated_at,
        )
        .select_from(Initiative.__table__.join(Ward.__table__, w.id == i.ward_id))
        .where(i.hidden.is_(False))
        .order_by(i.id)
        .execution_options(yield_per=BATCH)
    )
    if ward_id is not None:
        query = query.where(i.ward_id == ward_id)
    if kind is not None:
        query = query.where(i.kind == kind)
    for row in session.execute(query).mappings():
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
