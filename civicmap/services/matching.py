"""Skills matched to needs nearby, in PostGIS: never by loading rows into Python.

Needs near a person: each of their skills walks the GiST (skill, point) index of open needs
nearest first (skill_needs, migration 0026). Offers near an item: array overlap (`&&`, a partial
GIN index) on offers' skills and the GiST index on the public point.
Offers are only ever measured from their public point, and every distance a person is told is
rounded to 100 m (geo.rounded_metres).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from shapely.geometry import Point
from sqlalchemy import text
from sqlalchemy.orm import Session

from civicmap.errors import Invalid
from civicmap.geo import NEAR_DISTANCES as DISTANCES
from civicmap.geo import (
    POINT_SQL,
    SPHERE_METRES_TO_POINT_SQL,
    near_params,
    near_point_sql,
    point_of,
    rounded_metres,
)
from civicmap.models import Initiative, User
from civicmap.services import areas

DEFAULT_DISTANCE = 2000
OFFERS_NEAR_METRES = 2000  # "offers that could help" look this far from the item
LIMIT = 30

# The partial GIN index's own condition (migration 0025), so the planner reads it alone; an
# event is a need until it ends.
OPEN_ITEM = (
    "((i.kind IN ('project', 'idea') AND i.status IN ('idea', 'planning', 'active', 'open'))"
    " OR (i.kind = 'event' AND i.status = 'scheduled'))"
    " AND (i.ends_at IS NULL OR i.ends_at > now())"
)
# For each of the person's skills, the nearest open needs that ask for it (skill_needs, kept by
# migration 0026's triggers; its GiST index on (skill, point) walks them nearest first), then
# per need: the skills it shares and its distance. A need is ranked among the NEAREST closest
# of each of its skills: one sharing two skills but further than that many needing either of
# them would not be listed (at a million items it would be several kilometres away).
NEEDS = f"""
WITH near AS (
  SELECT n.skill, n.initiative_id, n.proposal_id,
         {SPHERE_METRES_TO_POINT_SQL.format(column="n.point")} AS metres
  FROM unnest(%(skills)s::varchar[]) AS mine(skill)
  CROSS JOIN LATERAL (
    SELECT s.skill, s.initiative_id, s.proposal_id, s.point FROM skill_needs s
    WHERE s.skill = mine.skill AND (s.ends_at IS NULL OR s.ends_at > now())
      AND s.point && ST_Expand({POINT_SQL}, %(dx)s, %(dy)s)
    ORDER BY s.point <-> {POINT_SQL}
    LIMIT %(nearest)s
  ) n
), fits AS (
  SELECT initiative_id, proposal_id, array_agg(skill ORDER BY skill) AS shared,
         count(*) AS rank_shared, min(metres) AS metres
  FROM near WHERE metres <= %(within)s
  GROUP BY initiative_id, proposal_id
  ORDER BY rank_shared DESC, metres, initiative_id, proposal_id NULLS FIRST
  LIMIT %(limit)s
)
SELECT CASE WHEN f.proposal_id IS NULL THEN 'item' ELSE 'proposal' END AS what,
       coalesce(f.proposal_id, f.initiative_id) AS id, i.kind,
       CASE WHEN f.proposal_id IS NULL THEN i.title ELSE left(p.action, 120) END AS title,
       i.id AS item_id, f.shared, f.rank_shared, f.metres
FROM fits f JOIN initiatives i ON i.id = f.initiative_id
LEFT JOIN proposals p ON p.id = f.proposal_id
ORDER BY f.rank_shared DESC, f.metres, what, id
"""
# Needs considered per skill, nearest first: 100 rather than 200 halved the statement's time
# (5.0 -> 3.0 ms at a million items) and a page lists 30.
NEAREST = 100

OFFERS = f"""
SELECT i.id, i.title, i.author_id, u.display_name, o.shared,
       ST_Distance(geography(i.public_location), geography({POINT_SQL})) AS metres
FROM initiatives i
JOIN users u ON u.id = i.author_id
CROSS JOIN LATERAL (
  SELECT array_agg(s ORDER BY s) AS shared, count(*) AS n
  FROM unnest(i.skills) s WHERE s = ANY(%(skills)s::varchar[])
) o
WHERE i.kind = 'offer' AND NOT i.hidden AND i.skills <> '{{}}'
  AND i.skills && %(skills)s::varchar[] AND i.status = 'available'
  AND i.author_id <> %(not_by)s AND u.deleted_at IS NULL AND u.suspended_at IS NULL
  AND {near_point_sql("i.public_location")}
ORDER BY o.n DESC, metres, i.id
LIMIT %(limit)s
"""


@dataclass(frozen=True)
class Match:
    """One need that fits, or one offer that could help, and why."""

    what: str  # "item", "proposal" or "offer"
    id: int
    kind: str
    title: str
    item_id: int
    shared: tuple[str, ...]
    metres: int  # rounded to 100 m
    person: str = ""  # an offer's maker, by display name
    person_id: int | None = None


@dataclass(frozen=True)
class Origin:
    """Where "near" is measured from, and what the person said it is."""

    point: Point
    label: str
    skills: tuple[str, ...]


def origin_for(
    session: Session, user: User, source: str, postcode: str = "", offer_id: int | None = None
) -> Origin:
    """`source` is "ward" (their home ward), "postcode" or "offer" (one of their offers'
    public point, matching that offer's skills). Invalid names the field to fix."""
    skills = tuple(dict.fromkeys([*(user.skills or []), *_offered_by(session, user.id)]))
    if source == "postcode":
        place = areas.find_postcode(session, postcode)
        if place is None:
            raise Invalid(
                "postcode", _l("We do not know that postcode here. Try one like SW2 1RW.")
            )
        return Origin(point_of(place.location), place.postcode, skills)
    if source == "offer":
        offer = session.get(Initiative, offer_id) if offer_id else None
        if offer is None or offer.kind != "offer" or offer.author_id != user.id or offer.hidden:
            raise Invalid("offer", _l("Choose one of your offers."))
        return Origin(point_of(offer.public_location), offer.title, tuple(offer.skills or ()))
    if user.home_ward is None:
        raise Invalid(
            "source",
            _l("You have not said your ward: give a postcode, or add your ward to your profile."),
        )
    return Origin(areas.ward_point(session, user.home_ward_id), user.home_ward.name, skills)


def needs_near(
    session: Session, origin: Origin, within_m: int = DEFAULT_DISTANCE, limit: int = LIMIT
) -> list[Match]:
    """Open projects, ideas and proposals within `within_m` whose needed skills overlap the
    origin's skills: most skills in common first, then nearest."""
    if within_m not in DISTANCES:
        raise Invalid("within", _l("Choose a distance from the list."))
    if not origin.skills:
        return []
    rows = session.connection().exec_driver_sql(NEEDS, needs_params(origin, within_m, limit))
    rows = rows.mappings()
    return [
        Match(
            what=r["what"],
            id=r["id"],
            kind=r["kind"],
            title=r["title"],
            item_id=r["item_id"],
            shared=tuple(r["shared"]),
            metres=rounded_metres(r["metres"]),
        )
        for r in rows
    ]


def needs_params(origin: Origin, within_m: int, limit: int = LIMIT) -> dict:
    """The bound parameters of NEEDS (the benchmark replays the statement with them)."""
    return near_params(origin.point, within_m) | {
        "skills": list(origin.skills),
        "limit": limit,
        "nearest": NEAREST,
    }


def offers_for(
    session: Session, item: Initiative, needs: list[str], limit: int = 10
) -> list[Match]:
    """Available offers within 2 km of an item (by their public points) whose skills overlap
    what it, or one of its proposals, needs; not the item's author's own."""
    if not needs:
        return []
    params = near_params(point_of(item.public_location), OFFERS_NEAR_METRES) | {
        "skills": list(needs),
        "limit": limit,
        "not_by": item.author_id,
    }
    return [
        Match(
            what="offer",
            id=r["id"],
            kind="offer",
            title=r["title"],
            item_id=r["id"],
            shared=tuple(r["shared"]),
            metres=rounded_metres(r["metres"]),
            person=r["display_name"],
            person_id=r["author_id"],
        )
        for r in session.connection().exec_driver_sql(OFFERS, params).mappings()
    ]


def _offered_by(session: Session, user_id: int) -> list[str]:
    return list(
        session.scalars(
            text(
                "SELECT DISTINCT unnest(skills) FROM initiatives"
                " WHERE author_id = :u AND kind = 'offer' AND NOT hidden"
            ),
            {"u": user_id},
        )
    )


# --- the council's view: gaps per ward ---------------------------------------------------------

GAPS = f"""
WITH needed AS (
  SELECT i.ward_id, s AS skill, count(*) AS n FROM initiatives i, unnest(i.skills_needed) s
  WHERE NOT i.hidden AND i.skills_needed <> '{{}}' AND {OPEN_ITEM}
  GROUP BY 1, 2
  UNION ALL
  SELECT i.ward_id, s, count(*) FROM proposals p JOIN initiatives i ON i.id = p.initiative_id,
         unnest(p.skills_needed) s
  WHERE NOT p.hidden AND p.skills_needed <> '{{}}' AND p.status = 'open' AND NOT i.hidden
  GROUP BY 1, 2
), offered AS (  -- kept by triggers (migration 0027)
  SELECT ward_id, skill, offers AS n FROM ward_offered_skills WHERE offers > 0
), need AS (SELECT ward_id, skill, sum(n) AS n FROM needed GROUP BY 1, 2)
SELECT w.id, w.name, w.slug, 'unmet' AS gap, n.skill, n.n
FROM need n JOIN wards w ON w.id = n.ward_id
WHERE NOT EXISTS (SELECT 1 FROM offered o WHERE o.ward_id = n.ward_id AND o.skill = n.skill)
UNION ALL
SELECT w.id, w.name, w.slug, 'unasked', o.skill, o.n
FROM offered o JOIN wards w ON w.id = o.ward_id
WHERE NOT EXISTS (SELECT 1 FROM need n WHERE n.ward_id = o.ward_id AND n.skill = o.skill)
ORDER BY 2, 4 DESC, 6 DESC, 5
"""


@dataclass
class WardGaps:
    name: str
    slug: str
    unmet: list[tuple[str, int]]  # needed here, offered by nobody here: (skill, how many needs)
    unasked: list[tuple[str, int]]  # offered here, needed by nobody here: (skill, how many offers)


def gaps_by_ward(session: Session, per_ward: int = 8) -> list[WardGaps]:
    """Per ward: skills needed that no offer in the ward gives, and skills offered there that
    nothing in the ward has asked for (the most asked-for and most offered first)."""
    wards: dict[int, WardGaps] = {}
    for r in session.connection().exec_driver_sql(GAPS).mappings():
        ward = wards.setdefault(r["id"], WardGaps(r["name"], r["slug"], [], []))
        shown = ward.unmet if r["gap"] == "unmet" else ward.unasked
        if len(shown) < per_ward:
            shown.append((r["skill"], int(r["n"])))
    return list(wards.values())
