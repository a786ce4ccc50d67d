"""Browsing what is on the map: filters (shared with the map's pins), lists, near a postcode."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civicmap.errors import Invalid, InvalidParameter
from civicmap.geo import BBox, make_point, metres, parse_bbox
from civicmap.models import Initiative, Postcode, Ward
from civicmap.models.vocabulary import CATEGORIES, KINDS, STATUSES
from civicmap.services import areas, cells

LAYERS = (*KINDS, "proposal")  # what the map can show: the three kinds and open proposals
PAGE_SIZE = 20
ALL_STATUSES = {s for statuses in STATUSES.values() for s in statuses}


@dataclass(frozen=True)
class Filters:
    kinds: tuple[str, ...] = LAYERS
    category: str | None = None
    status: str | None = None
    ward: str | None = None  # slug
    q: str | None = None
    bbox: BBox | None = None
    zoom: int = 13

    @property
    def only_kinds_and_box(self) -> bool:
        """True when nothing but kinds and a box narrows the items: the stored cell counts
        (map_cells) can then answer instead of the items table."""
        return not (self.category or self.status or self.ward or self.q)


def parse_filters(args) -> Filters:
    """Filters from query arguments; Invalid (400) naming the argument that is wrong."""
    # ?kind=project,idea or, from the filter form's checkboxes, ?kind=project&kind=idea
    raw = ",".join(args.getlist("kind")) if hasattr(args, "getlist") else args.get("kind") or ""
    kinds = tuple(dict.fromkeys(k for k in raw.split(",") if k)) or LAYERS
    unknown = set(kinds) - set(LAYERS)
    if unknown:
        raise InvalidParameter(
            "kind", _l("kind must be among: %(kinds)s.", kinds=", ".join(LAYERS))
        )
    category = args.get("category") or None
    if category and category not in CATEGORIES:
        raise InvalidParameter("category", _l("Unknown category."))
    status = args.get("status") or None
    if status and status not in ALL_STATUSES:
        raise InvalidParameter("status", _l("Unknown status."))
    q = (args.get("q") or "").strip() or None
    if q and len(q) > 200:
        raise InvalidParameter("q", _l("Search for at most 200 characters."))
    try:
        zoom = int(args.get("zoom", 13))
    except ValueError:
        raise InvalidParameter("zoom", _l("zoom must be a whole number from 0 to 22.")) from None
    if not 0 <= zoom <= 22:
        raise InvalidParameter("zoom", _l("zoom must be a whole number from 0 to 22."))
    return Filters(
        kinds=kinds,
        category=category,
        status=status,
        ward=(args.get("ward") or None),
        q=q,
        bbox=parse_bbox(args.get("bbox")),
        zoom=zoom,
    )


def initiative_conditions(f: Filters, kinds: tuple[str, ...] | None = None) -> list:
    i = Initiative.__table__.c
    conditions = [i.hidden.is_(False)]
    if kinds is not None:
        conditions.append(i.kind.in_(kinds))
    if f.bbox:
        conditions.append(i.public_location.op("&&")(f.bbox.envelope()))
    if f.category:
        conditions.append(i.category == f.category)
    if f.ward:
        conditions.append(i.ward_id == select(Ward.id).where(Ward.slug == f.ward).scalar_subquery())
    if f.q:
        conditions.append(i.search.op("@@")(func.websearch_to_tsquery("english", f.q)))
    return conditions


# --- lists ---------------------------------------------------------------------------------------


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
    sort: str = "newest",
    near: tuple[float, float] | None = None,
    per_page: int = PAGE_SIZE,
    total: int | None = None,
) -> Page:
    """Items (projects, ideas, offers) matching the filters, newest or nearest first."""
    kinds = tuple(k for k in f.kinds if k in KINDS) or KINDS
    conditions = initiative_conditions(f, kinds)
    if f.status:
        conditions.append(Initiative.status == f.status)
    if total is None:  # callers that already know it (a ward's counts) save a count
        total = _total(session, f, kinds, conditions)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    distances: dict[int, float] = {}
    if sort == "nearest" and near:
        here = make_point(*near)
        # KNN on the GiST index finds candidates fast, but in degrees, and a degree of longitude
        # is shorter than one of latitude: take three times the rows needed, then order those
        # by true distance in metres.
        window = min(page * per_page * 3, 5000)
        candidates = (
            select(Initiative.id)
            .where(*conditions)
            .order_by(Initiative.public_location.op("<->")(here))
            .limit(window)
            .subquery()
        )
        metres_away = metres(Initiative.public_location, here).label("metres")
        ranked = session.execute(
            select(Initiative, metres_away)
            .join(candidates, candidates.c.id == Initiative.id)
            .order_by(metres_away, Initiative.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
        ).all()
        items = [item for item, _ in ranked]
        distances = {item.id: distance for item, distance in ranked}
    else:
        query = select(Initiative).where(*conditions)
        query = query.order_by(Initiative.created_at.desc(), Initiative.id.desc())
        items = list(session.scalars(query.offset((page - 1) * per_page).limit(per_page)))
    return Page(items=items, total=total, page=page, pages=pages, distances=distances)


def _total(session: Session, f: Filters, kinds: tuple[str, ...], conditions: list) -> int:
    """How many items match: from the stored cell counts when only kinds (and a box) filter,
    so that a list over a million items does not count them one by one."""
    if f.only_kinds_and_box:
        if f.bbox is None:
            return cells.count_visible(session, kinds)
        return sum(cells.count_in_box(session, kind, f.bbox) for kind in kinds)
    return session.scalar(select(func.count()).select_from(Initiative).where(*conditions))


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
