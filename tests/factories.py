"""Small factories for test data: each call makes fresh rows with sensible defaults."""

from __future__ import annotations

import itertools

from sqlalchemy import update
from sqlalchemy.orm import Session

from civicmap.geo import parse_point, to_db
from civicmap.models import Event, Idea, Initiative, Offer, Project, User

CLASSES = {"project": Project, "idea": Idea, "offer": Offer, "event": Event}

_n = itertools.count(1)

# Known places: the first two are inside Lambeth, the last is across the river.
BRIXTON_STATION = (51.4627, -0.1145)  # Brixton Windrush ward
ACRE_LANE = (51.457575, -0.123613)  # inside Brixton Acre Lane ward
WEST_DULWICH = (51.440075, -0.097471)
PARLIAMENT = (51.4995, -0.1248)  # Westminster


def make_user(session: Session, **values) -> User:
    n = next(_n)
    user = User(
        email=values.pop("email", f"person{n}@example.org"),
        display_name=values.pop("display_name", f"Person {n}"),
        password_hash=values.pop("password_hash", "not-a-real-hash"),
        **values,
    )
    session.add(user)
    session.commit()  # released savepoint: survives a rollback in the code under test
    return user


def make_initiative(session: Session, kind: str = "project", at=BRIXTON_STATION, **values):
    author = values.pop("author", None) or make_user(session)
    defaults = {
        "project": {"status": "active"},
        "idea": {"status": "open"},
        "offer": {"status": "available", "offer_type": "skills"},
        "event": {"status": "scheduled"},
    }[kind]
    item = CLASSES[kind](
        title=values.pop("title", f"A {kind} {next(_n)}"),
        description=values.pop("description", "Something good for the neighbourhood."),
        category=values.pop("category", "environment"),
        author=author,
        location=to_db(parse_point(*at)) if at else None,
        **(defaults | values),
    )
    session.add(item)
    session.commit()  # released savepoint: survives a rollback in the code under test
    return item


def hide(session: Session, item, reason: str = "moderated") -> None:
    """Hide an item in the database itself, as moderation ("moderated") or its author
    ("deleted") leave it, bypassing the site."""
    session.execute(
        update(Initiative).where(Initiative.id == item.id).values(hidden=True, hidden_reason=reason)
    )


def move(session: Session, item, at: tuple[float, float]) -> None:
    """Move an item to (lat, lon) in the database itself; the triggers re-place it."""
    session.execute(
        update(Initiative).where(Initiative.id == item.id).values(location=to_db(parse_point(*at)))
    )
