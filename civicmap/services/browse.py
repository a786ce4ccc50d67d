"""The list of items (the map's text equivalent, ward pages, feeds) and "near a postcode".

Which items is the one question every surface asks the same way: the Filters of
civicmap.filters, turned into SQL by services/filter_sql. The list reads the page's ids with that
SQL, then loads those few items.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from civicmap.errors import Invalid
from civicmap.filters import Filters
from civicmap.geo import METRES_TO_POINT_SQL, POINT_SQL, point_of
from civicmap.models import Initiative, Proposal
from civicmap.models.vocabulary import KINDS
from civicmap.services import areas, cells
from civicmap.services.filter_sql import PROPOSALS, where

PAGE_SIZE = 20

# The list's rows: items, and open proposals (at their item's place, as on the map), newest
# first or nearest first. Each part is a complete query; `rows` joins the parts asked for.
PROPOSAL_ROWS = """SELECT 'proposal' AS entry, p.id, p.created_at AS at
  FROM proposals p JOIN initiatives i ON i.id = p.initiative_id
  WHERE p.status = 'open' AND {where}"""
# Each part newest first on its own index, only as far as the page needs (`upto` = offset +
# limit): merging whole tables before sorting cost the front page ~50 ms at 100k items.
NEWEST_ITEM_ROWS = """(SELECT 'item' AS entry, i.id, i.created_at AS at FROM initiatives i
  WHERE {where} ORDER BY i.created_at DESC, i.id DESC LIMIT %(upto)s)"""
NEWEST_PROPOSAL_ROWS = (
    "("
    + PROPOSAL_ROWS
    + """
  ORDER BY p.created_at DESC, p.id DESC LIMIT %(upto)s)"""
)
NEWEST = """SELECT entry, id, NULL FROM ({rows}) listed
ORDER BY at DESC, entry, id DESC LIMIT %(limit)s OFFSET %(offset)s"""

# KNN on the GiST index finds candidates fast, but in degrees, and a degree of longitude is
# shorter than one of latitude: take three times the rows needed, then order those by true
# distance in metres.
METRES = METRES_TO_POINT_SQL.format(column="i.public_location")
NEAR_ITEM_ROWS = f"""(SELECT 'item' AS entry, i.id, {METRES} AS metres
  FROM initiatives i WHERE {{where}}
  ORDER BY i.public_location <-> {POINT_SQL} LIMIT %(window)s)"""
NEAR_PROPOSAL_ROWS = f"""(SELECT 'proposal' AS entry, p.id, {METRES} AS metres
  FROM proposals p JOIN initiatives i ON i.id = p.initiative_id
  WHERE p.status = 'open' AND {{where}}
  ORDER BY i.public_location <-> {POINT_SQL} LIMIT %(window)s)"""
NEAREST = """SELECT entry, id, metres FROM ({rows}) near
ORDER BY metres, entry, id LIMIT %(limit)s OFFSET %(offset)s"""


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
    proposals: bool = False,
) -> Page:
    """Items matching the filters, and with `proposals` the open proposals the map shows too:
    nearest first when `near` (lat, lon) is given, else newest first. Page.items holds
    Initiative and Proposal objects; distances are keyed by ("item"|"proposal", id)."""
    with_proposals = proposals and f.open_proposals
    if not f.item_kinds and not with_proposals:  # neither asked for: every kind of item
        f = replace(f, kinds=tuple(KINDS))
    parts, params = [], {}
    if f.item_kinds:
        condition, params = where(f)
        parts.append(("item", condition))
    if with_proposals:
        condition, proposal_params = where(f, PROPOSALS, status=False)
        params |= proposal_params
        parts.append(("proposal", condition))
    if total is None:  # callers that already know it (a ward's counts) save a count
        total = sum(_total(session, f, entry, condition, params) for entry, condition in parts)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    params |= {
        "limit": per_page,
        "offset": (page - 1) * per_page,
        "upto": page * per_page,
    }
    if near:
        params |= {"lat": near[0], "lon": near[1], "window": min(page * per_page * 3, 5000)}
        shapes = {"item": NEAR_ITEM_ROWS, "proposal": NEAR_PROPOSAL_ROWS}
        outer = NEAREST
    else:
        shapes = {"item": NEWEST_ITEM_ROWS, "proposal": NEWEST_PROPOSAL_ROWS}
        outer = NEWEST
    rows_sql = " UNION ALL ".join(shapes[entry].format(where=cond) for entry, cond in parts)
    rows = session.connection().exec_driver_sql(outer.format(rows=rows_sql), params).all()
    loaded = _load(session, rows)
    items = [loaded[(entry, id_)] for entry, id_, _m in rows if (entry, id_) in loaded]
    distances = {(entry, id_): metres for entry, id_, metres in rows} if near else {}
    return Page(items=items, total=total, page=page, pages=pages, distances=distances)


def _load(session: Session, rows) -> dict:
    wanted = {"item": [], "proposal": []}
    for entry, id_, _metres in rows:
        wanted[entry].append(id_)
    loaded = {}
    if wanted["item"]:
        for item in session.scalars(
            select(Initiative).where(Initiative.id.in_(wanted["item"]))
        ).unique():
            loaded[("item", item.id)] = item
    if wanted["proposal"]:
        for proposal in session.scalars(
            select(Proposal)
            .where(Proposal.id.in_(wanted["proposal"]))
            .options(joinedload(Proposal.initiative).joinedload(Initiative.ward))
        ).unique():
            loaded[("proposal", proposal.id)] = proposal
    return loaded


def _total(session: Session, f: Filters, entry: str, condition: str, params: dict) -> int:
    """How many items (or open proposals) match: items from the stored cell counts when only
    kinds (and a box) filter, so that a list over a million items does not count them one by
    one."""
    if entry == "proposal":
        sql = PROPOSAL_ROWS.format(where=condition)
        return int(
            session.connection()
            .exec_driver_sql(f"SELECT count(*) FROM ({sql}) p", params)
            .scalar_one()
        )
    if f.only_kinds_and_box:
        if f.bbox is None:
            return cells.count_visible(session, f.item_kinds)
        return sum(cells.count_in_box(session, kind, f.bbox) for kind in f.item_kinds)
    sql = f"SELECT count(*) FROM initiatives i WHERE {condition}"
    return int(session.connection().exec_driver_sql(sql, params).scalar_one())


def find_postcode(session: Session, postcode: str) -> tuple[float, float]:
    """(lat, lon) of a postcode centroid; Invalid if it is unknown."""
    found = areas.find_postcode(session, postcode)
    if found is None:
        raise Invalid("postcode", _l("We do not know the postcode %(p)s.", p=postcode.strip()))
    point = point_of(found.location)
    return point.y, point.x
