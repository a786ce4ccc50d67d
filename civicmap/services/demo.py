"""Demo and benchmark data: a believable, deterministic Lambeth, and fast synthetic bulk loads."""

from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from datetime import time as time_of_day

from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from civicmap import clock
from civicmap.errors import Invalid
from civicmap.models import (
    Appreciation,
    Comment,
    Initiative,
    Proposal,
    User,
    Volunteering,
    Ward,
)
from civicmap.models.vocabulary import CATEGORIES

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - published in the README for the demo only
DEMO_DOMAIN = "demo.civicmap.invalid"

PEOPLE = [
    ("Amara Okafor", "resident", ["gardening", "events", "fundraising"]),
    ("Tomás Silva", "resident", ["carpentry", "bike repair"]),
    ("Grace Mensah", "resident", ["cooking", "food hygiene", "languages"]),
    ("Li Wei", "resident", ["web design", "photography"]),
    ("Priya Shah", "resident", ["accounting", "grant writing"]),
    ("Dev Patel", "resident", ["coaching", "football"]),
    ("Hannah Brooks", "resident", ["teaching", "reading"]),
    ("Kwame Asante", "resident", ["music", "sound engineering"]),
    ("Rosa Lima", "resident", ["childcare", "first aid"]),
    ("Joe Murphy", "resident", ["van driving", "lifting"]),
    ("Sam Taylor", "officer", ["community engagement"]),
    ("Nadia Haddad", "moderator", ["mediation"]),
]

# (category, title pattern, summary) — {place} becomes a ward name.
PROJECTS = [
    ("environment", "Wildflower verges in {place}", "Turning mown verges into pollinator strips."),
    (
        "environment",
        "{place} street tree watering rota",
        "Neighbours water young trees in dry spells.",
    ),
    ("food", "Community fridge for {place}", "Surplus food shared, not wasted."),
    ("food", "{place} Saturday community kitchen", "Cooking together and sharing a hot meal."),
    (
        "arts",
        "Mural on the {place} underpass",
        "Local artists and children paint a brighter walk home.",
    ),
    ("health", "Walking group for {place}", "Weekly gentle walks for anyone who wants company."),
    (
        "young-people",
        "Homework club in {place}",
        "A quiet place and volunteer tutors after school.",
    ),
    (
        "older-people",
        "Tea and tech afternoons, {place}",
        "Help with phones and tablets over a cuppa.",
    ),
    ("housing", "{place} tenants' repair log", "Tenants record and chase repairs together."),
    ("transport", "Bike repair pop-up in {place}", "Free fixes and lessons on the estate."),
    ("sport", "Table tennis in {place} park", "An outdoor table and free bats for everyone."),
    ("learning", "{place} conversation cafe", "Practise English with neighbours."),
    (
        "community-spaces",
        "Reopen the {place} community hall",
        "Bringing an empty hall back into use.",
    ),
]
IDEAS = [
    ("environment", "Rain gardens on {place} side streets", "Plant beds that soak up storm water."),
    ("environment", "A tool library for {place}", "Borrow a drill instead of buying one."),
    ("food", "Allotment share scheme in {place}", "Match empty plots with keen growers."),
    ("arts", "Open-air cinema nights in {place}", "Summer films on the green."),
    (
        "transport",
        "School streets for {place} primaries",
        "Close roads to cars at drop-off and pick-up.",
    ),
    ("transport", "More cycle hangars in {place}", "Secure bike parking for flats."),
    ("sport", "Free outdoor gym in {place}", "Simple equipment in the park."),
    ("young-people", "Youth radio station for {place}", "Young people making their own shows."),
    ("community-spaces", "Pop-up repair cafe in {place}", "Fix, don't throw away."),
    ("health", "Mental health drop-in in {place}", "A friendly place to talk."),
    ("other", "Welcome packs for new {place} neighbours", "What every newcomer should know."),
]
OFFERS = [
    ("skills", "learning", "I can teach basic coding", ["coding", "teaching"]),
    ("time", "older-people", "Friendly visits for older neighbours", ["befriending"]),
    ("space", "community-spaces", "Back room free for meetings on weekdays", ["meeting space"]),
    ("equipment", "environment", "Garden tools to lend", ["tools"]),
    ("skills", "arts", "Photography for your project", ["photography"]),
    ("time", "food", "Help at a food bank on Saturdays", ["food", "lifting"]),
    ("skills", "housing", "Help writing letters to landlords", ["writing", "advice"]),
    ("equipment", "transport", "Cargo bike available for deliveries", ["cargo bike"]),
]
COMMENTS = [
    "Love this — count me in.",
    "Have you spoken to the council about permission?",
    "We tried something similar on our street and it worked well.",
    "Could this happen at weekends too?",
    "I can bring some friends along.",
    "What help do you need most right now?",
]
ACTIONS = [
    "I will run a stall at the next market to sign people up.",
    "I'll organise a clean-up morning and bring bin bags and gloves.",
    "I can design a poster and put it up in local shops.",
    "I will write to our ward councillors and ask for support.",
    "I'll host a planning meeting in my front room.",
]


def seed_demo(session: Session, seed: int = 2026) -> dict[str, int] | None:
    """Fill an empty database with a deterministic demo; None if initiatives already exist."""
    if session.scalar(select(func.count()).select_from(Initiative)):
        return None
    wards = session.execute(select(Ward.id, Ward.name).order_by(Ward.code)).all()
    if not wards:
        raise Invalid(None, "There are no wards yet: run 'flask areas import FILE' first.")
    rng = random.Random(seed)  # noqa: S311 - deterministic demo data, not secrets
    users = _demo_people(session, wards)
    items = _demo_items(session, rng, users, seed)
    counts = _demo_engagement(session, rng, users, [i for i in items if i.kind != "offer"])
    events = _demo_events(session, users, [i for i in items if i.kind == "project"])
    return {"users": len(users), "items": len(items), "events": events, **counts}


# What demo projects and ideas ask for, in turn (the same words offers use).
NEEDS = [["gardening"], ["carpentry", "diy"], [], ["design"], ["cooking"], ["teaching"], []]
EVENTS = [
    ("Planning meeting: {title}", "Come and help plan the next steps. Tea and biscuits.", 18),
    ("Work day: {title}", "Bring gloves and old clothes; tools provided.", 10),
]


def _demo_events(session: Session, users: list[int], projects) -> int:
    """An event about every fourth project, in the coming fortnight somewhere in its ward (after
    every other item, so the demo's item numbers stay as they were)."""
    today = datetime.now(UTC).date()
    rows = []
    for n, project in enumerate(projects[::4]):
        item = session.get(Initiative, project.id)
        title, description, hour = EVENTS[n % len(EVENTS)]
        starts = clock.from_local(today + timedelta(days=2 + n % 14), time_of_day(hour, 0))
        rows.append(
            {
                "kind": "event",
                "title": title.format(title=item.title)[:120],
                "description": description,
                "category": item.category,
                "status": "scheduled",
                "author_id": item.author_id,
                # A hall or a green of its own in the ward, not on top of the project's pin.
                "location": session.scalar(
                    text(
                        "SELECT ST_AsEWKT((ST_Dump(ST_GeneratePoints(geom, 1, :seed))).geom)"
                        " FROM wards WHERE id = :ward"
                    ),
                    {"seed": 7000 + n, "ward": item.ward_id},
                ),
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=2),
                "capacity": 12 if n % 2 else None,
                "accessibility": "Step-free access." if n % 2 else None,
                "about_id": item.id,
                "skills_needed": NEEDS[n % len(NEEDS)],
            }
        )
    session.execute(insert(Initiative), rows)
    return len(rows)


def _demo_people(session: Session, wards) -> list[int]:
    """The demo's people (PEOPLE), living in the first wards; their ids."""
    password_hash = generate_password_hash(DEMO_PASSWORD)
    return session.scalars(
        insert(User).returning(User.id),
        [
            {
                "email": f"{name.split()[0].lower()}@{DEMO_DOMAIN}",
                "display_name": name,
                "password_hash": password_hash,
                "bio": f"{name.split()[0]} lives in {wards[i % len(wards)].name}.",
                "skills": skills,
                "role": role,
                "home_ward_id": wards[i % len(wards)].id,
                # Confirmed, so `make run` shows their mail in instance/mail/ (local SMTP).
                "email_confirmed_at": datetime.now(UTC),
            }
            for i, (name, role, skills) in enumerate(PEOPLE)
        ],
    ).all()


def _demo_items(session: Session, rng: random.Random, users: list[int], seed: int) -> list:
    """Six items at random points inside every ward (PostGIS, seeded so the demo is the same
    every time); their (id, kind) rows."""
    points = session.execute(
        text(
            "SELECT w.id, w.name, ST_X(d.geom) AS lon, ST_Y(d.geom) AS lat"
            " FROM wards w, ST_Dump(ST_GeneratePoints(w.geom, 6, :seed)) d ORDER BY w.code, d.path"
        ),
        {"seed": seed},
    ).all()
    rows = []
    for n, point in enumerate(points):
        kind = ("project", "idea", "offer")[n % 3] if n % 6 else "project"
        row = {
            "kind": kind,
            "author_id": users[rng.randrange(len(users))],
            "location": f"SRID=4326;POINT({point.lon} {point.lat})",
            "skills": [],
            "skills_needed": NEEDS[n % len(NEEDS)] if kind != "offer" else [],
        }
        row |= _demo_offer(n) if kind == "offer" else _demo_project_or_idea(rng, kind, point.name)
        rows.append(dict(_blank_initiative(), **row))
    return session.execute(insert(Initiative).returning(Initiative.id, Initiative.kind), rows).all()


def _demo_offer(n: int) -> dict:
    offer_type, category, title, skills = OFFERS[n % len(OFFERS)]
    return {
        "title": title,
        "category": category,
        "offer_type": offer_type,
        "skills": skills,
        "status": "available",
        "availability": "Evenings and weekends",
        "description": f"{title}. Get in touch through civicmap.",
    }


def _demo_project_or_idea(rng: random.Random, kind: str, place: str) -> dict:
    category, pattern, summary = rng.choice(PROJECTS if kind == "project" else IDEAS)
    return {
        "title": pattern.format(place=place),
        "category": category,
        "summary": summary,
        "description": f"{summary}\n\nWe are neighbours in {place} and would "
        "love your help, ideas and feedback.",
        "status": rng.choice(["planning", "active", "completed"]) if kind == "project" else "open",
    }


def _demo_engagement(session: Session, rng: random.Random, users: list[int], engaged) -> dict:
    """Appreciations, comments and proposals on projects and ideas, then volunteering."""
    appreciations, comments, proposals = [], [], []
    for item in engaged:
        ref = {"initiative_id": item.id, "initiative_kind": item.kind}
        for user_id in rng.sample(users, rng.randrange(0, 5)):
            note = rng.choice([None, "Thank you for doing this!"])
            appreciations.append(ref | {"user_id": user_id, "note": note})
        for _ in range(rng.randrange(0, 3)):
            comments.append(ref | {"author_id": rng.choice(users), "body": rng.choice(COMMENTS)})
        if rng.random() < 0.4:
            proposals.append(
                ref
                | {
                    "author_id": rng.choice(users),
                    "action": rng.choice(ACTIONS),
                    "volunteers_needed": rng.randrange(1, 6),
                }
            )
    if appreciations:
        session.execute(insert(Appreciation), appreciations)
    if comments:
        session.execute(insert(Comment), comments)
    proposal_rows = session.execute(
        insert(Proposal).returning(Proposal.id, Proposal.author_id, Proposal.volunteers_needed),
        proposals,
    ).all()
    return {
        "appreciations": len(appreciations),
        "comments": len(comments),
        "proposals": len(proposal_rows),
        "volunteerings": _demo_volunteering(session, rng, users, proposal_rows),
    }


def _demo_volunteering(session: Session, rng: random.Random, users: list[int], proposals) -> int:
    """Up to three volunteers per proposal (never its author); a proposal they fill is full."""
    volunteerings, full = [], []
    for p in proposals:
        helpers = rng.sample([u for u in users if u != p.author_id], rng.randrange(0, 4))
        helpers = helpers[: p.volunteers_needed]
        volunteerings += [{"proposal_id": p.id, "user_id": u, "note": None} for u in helpers]
        if len(helpers) == p.volunteers_needed:
            full.append(p.id)
    if volunteerings:
        session.execute(insert(Volunteering), volunteerings)
    if full:
        session.execute(
            Proposal.__table__.update().where(Proposal.id.in_(full)).values(status="full")
        )
    return len(volunteerings)


def _blank_initiative() -> dict:
    # executemany needs every row to name the same columns.
    return {
        "summary": None,
        "website": None,
        "offer_type": None,
        "availability": None,
        "description": "",
    }


SYNTHETIC_AUTHOR = f"synthetic@{DEMO_DOMAIN}"


def seed_synthetic(
    session: Session, count: int, seed: int = 2026, first: int = 1
) -> tuple[int, float]:
    """Add `count` synthetic items spread over all wards, in one set-based INSERT.

    Points come from ST_GeneratePoints inside each ward (in proportion to its area), so the
    trigger's ward lookup confirms rather than searches. Items are numbered from `first` in
    their titles. Returns (rows added, seconds).
    """
    author = _synthetic_author(session)
    started = time.perf_counter()
    # The app's connections plan every statement afresh (force_custom_plan, for the map's bbox
    # queries); per row that replans the ward trigger's lookups and the foreign-key checks.
    # Cached plans for this transaction only: measured 15.6k -> 25k+ items/s on two connections.
    session.execute(text("SET LOCAL plan_cache_mode = auto"))
    added = session.execute(
        text(SYNTHETIC_SQL),
        {
            "count": count,
            "seed": seed,
            "first": first,
            "author": author,
            "categories": list(CATEGORIES),
        },
    ).rowcount
    return added, time.perf_counter() - started


def load_synthetic(
    engine: Engine, count: int, seed: int = 2026, jobs: int = 2
) -> tuple[int, float]:
    """seed_synthetic on `jobs` connections at once, each committing its share.

    A million rows is CPU-bound in PostgreSQL (text search vectors, eight indexes, foreign keys,
    ward checks); one connection uses one core. Shares draw from different random seeds and
    number their items apart. If a share fails, the others have still landed.
    """
    with Session(engine) as session:
        _synthetic_author(session)
        session.commit()
    shares = [count // jobs + (1 if j < count % jobs else 0) for j in range(jobs)]
    starts = [1 + sum(shares[:j]) for j in range(jobs)]

    def load(j: int) -> int:
        with Session(engine) as session:
            added, _ = seed_synthetic(session, shares[j], seed + 1000 * j, first=starts[j])
            session.commit()
            return added

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        added = sum(pool.map(load, [j for j in range(jobs) if shares[j]]))
    return added, time.perf_counter() - started


def _synthetic_author(session: Session) -> int:
    if not session.scalar(select(func.count()).select_from(Ward)):
        raise Invalid(None, "There are no wards yet: run 'flask areas import FILE' first.")
    author = session.scalar(select(User.id).where(User.email == SYNTHETIC_AUTHOR))
    if author is None:
        author = session.scalar(
            insert(User).returning(User.id),
            [
                {
                    "email": SYNTHETIC_AUTHOR,
                    "display_name": "Synthetic data",
                    "password_hash": "!",
                    "role": "resident",
                }
            ],
        )
    return author


SYNTHETIC_SQL = """
WITH share AS (
  SELECT id, geom, ST_Area(geom) / sum(ST_Area(geom)) OVER () AS part,
         row_number() OVER (ORDER BY id) AS n, count(*) OVER () AS wards
  FROM wards
), per_ward AS (
  -- every ward gets its share; the last takes what rounding left over
  SELECT id, geom, n,
         CASE WHEN n = wards
              THEN :count - sum(round(:count * part)::int)
                   OVER (ORDER BY n ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
              ELSE round(:count * part)::int END AS k
  FROM share
), pts AS (
  SELECT p.id AS ward_id, d.geom, :first - 1 + row_number() OVER () AS i
  FROM per_ward p, ST_Dump(ST_GeneratePoints(p.geom, p.k::int, :seed + p.n::int)) d
  WHERE p.k > 0
)
INSERT INTO initiatives (kind, title, summary, description, category, status, offer_type,
                         author_id, location, ward_id, public_location)
SELECT k.kind,
       (ARRAY['Community garden', 'Repair cafe', 'Street party', 'Food share', 'Youth club',
              'Tool library', 'Mural', 'Walking group', 'Cycle workshop', 'Reading circle',
              'Litter pick', 'Tree planting'])[1 + (i % 12)]
         || ' ' || (ARRAY['on the estate', 'by the park', 'near the station', 'for neighbours',
                          'at the library', 'in the square', 'on our street'])[1 + (i / 12 % 7)]
         || ' #' || i,
       'A synthetic item for load testing.',
       'Synthetic description number ' || i || ' for benchmarks and load tests.',
       (CAST(:categories AS text[]))[1 + (i % cardinality(CAST(:categories AS text[])))],
       CASE k.kind WHEN 'project' THEN (ARRAY['planning', 'active', 'completed'])[1 + (i % 3)]
                   WHEN 'idea' THEN 'open' ELSE 'available' END,
       CASE WHEN k.kind = 'offer' THEN 'skills' END,
       :author, pts.geom, pts.ward_id, pts.geom
FROM pts, LATERAL (SELECT (ARRAY['project', 'project', 'idea', 'offer'])[1 + (i % 4)] AS kind) k
"""
