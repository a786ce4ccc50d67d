"""The list of items (the map's text equivalent, ward pages, feeds) and "near a postcode".

Which items is the one question every surface asks the same way: the Filters of
civicmap.filters, turned into SQL by services/filter_sql. The list reads the page's ids with that
SQL, then loads those few items.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civicmap.errors import Invalid
from civicmap.filters import Filters
from civicmap.geo import METRES_TO_POINT_SQL, POINT_SQL
from civicmap.models import Initiative, Postcode
from civicmap.models.vocabulary import KINDS
from civicmap.services import areas, cells
from civicmap.services.filter_sql import where

PAGE_SIZE = 20

NEWEST = """SELECT i.id, NULL FROM initiatives i WHERE {where}
ORDER BY i.created_at DESC, i.id DESC LIMIT %(limit)s OFFSET %(offset)s"""

# KNN on the GiST index finds candidates fast, but in degrees, and a degree of longitude is
# shorter than one of latitude: take three times the rows needed, then order those by true
# distance in metres.
NEAREST = f"""SELECT id, metres FROM (
  SELECT i.id, {METRES_TO_POINT_SQL.format(column="i.public_location")} AS metres
  FROM initiatives i WHERE {{where}}
  ORDER BY i.public_location <-> {POINT_SQL} LIMIT %(window)s) near
ORDER BY metres, id LIMIT %(limit)s OFFSET %(offset)s"""


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int
    pages: int
    distances: dict[int, float]


def list_items(
    session: Session,
    f: Filters,
    page: int = 1,
    near: tuple[float, float] | None = None,
    per_page: int = PAGE_SIZE,
    total: int | None = None,
) -> Page:
    """Items (projects, ideas, offers) matching the filters: nearest first when `near` (lat,
    lon) is given, else newest first."""
    if not f.item_kinds:  # the list holds items; proposals are shown on their item's page
        f = replace(f, kinds=tuple(KINDS))
    condition, params = where(f)
    if total is None:  # callers that already know it (a ward's counts) save a count
        total = _total(session, f, condition, params)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    params |= {"limit": per_page, "offset": (page - 1) * per_page}
    if near:
        params |= {"lat": near[0], "lon": near[1], "window": min(page * per_page * 3, 5000)}
        sql = NEAREST.format(where=condition)
    else:
        sql = NEWEST.format(where=condition)
    rows = session.connection().exec_driver_sql(sql, params).all()
    loaded = {
        item.id: item
        for item in session.scalars(
            select(Initiative).where(Initiative.id.in_([row[0] for row in rows]))
        ).unique()
    }
    items = [loaded[row[0]] for row in rows if row[0] in loaded]
    distances = {row[0]: row[1] for row in rows} if near else {}
    return Page(items=items, total=total, page=page, pages=pages, distances=distances)


def _total(session: Session, f: Filters, condition: str, params: dict) -> int:
    """How many items match: from the stored cell counts when only kinds (and a box) filter,
    so that a list over a million items does not count them one by one."""
    if f.only_kinds_and_box:
        if f.bbox is None:
            return cells.count_visible(session, f.item_kinds)
        return sum(cells.count_in_box(session, kind, f.bbox) for kind in f.item_kinds)
    sql = f"SELECT count(*) FROM initiatives i WHERE {condition}"
    return int(session.connection().exec_driver_sql(sql, params).scalar_one())


def find_postcode(session: Session, postcode: str) -> tuple[float, float]:
    """(lat, lon) of a postcode centroid; Invalid if it is unknown."""
    normalised = areas.normalise_postcode(postcode)
    row = session.execute(
        select(func.ST_Y(Postcode.location), func.ST_X(Postcode.location)).where(
            Postcode.postcode == normalised
        )
    ).first()
    if row is None:
        raise Invalid("postcode", _l("We do not know the postcode %(p)s.", p=postcode.strip()))
    return float(row[0]), float(row[1])
