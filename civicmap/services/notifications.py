"""Follow a ward or an item, and be told in civicmap when something happens there.

Each event writes its notifications in one statement (INSERT ... SELECT over the followers), so
telling a thousand followers costs the request that caused it one round trip. Nobody is told of
their own doing, nor of someone they have blocked.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from civicmap.errors import NotFound
from civicmap.models import Follow, Initiative, Notification, User, Ward

FOLLOWABLE = {"ward": Ward, "item": Initiative}

FAN_OUT = """
INSERT INTO notifications (user_id, event, actor_id, initiative_id)
SELECT DISTINCT r.user_id, %(event)s::text, %(actor)s::int, %(item)s::int
FROM (SELECT f.user_id FROM follows f
      WHERE f.target_kind = %(kind)s AND f.target_id = %(target)s
      UNION SELECT unnest(%(also)s::int[])) r
WHERE r.user_id IS DISTINCT FROM %(actor)s::int
  AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = r.user_id
                  AND b.blocked_id = %(actor)s::int)
"""


def follow(session: Session, user: User, kind: str, target_id: int) -> None:
    if session.get(FOLLOWABLE[kind], target_id) is None:
        raise NotFound(_l("There is nothing here with that number."))
    if session.get(Follow, (user.id, kind, target_id)) is None:
        session.add(Follow(user_id=user.id, target_kind=kind, target_id=target_id))
        session.flush()


def unfollow(session: Session, user: User, kind: str, target_id: int) -> None:
    found = session.get(Follow, (user.id, kind, target_id))
    if found is not None:
        session.delete(found)
        session.flush()


def follows(session: Session, user, kind: str, target_id: int) -> bool:
    if not user.is_authenticated:
        return False
    return session.get(Follow, (user.id, kind, target_id)) is not None


def tell(
    session: Session,
    event: str,
    actor_id: int | None,
    item_id: int | None,
    also: list[int] = (),
    followers_of: tuple[str, int] | None = None,
) -> None:
    """Notify `also` and the followers of `followers_of` (a ward or an item) of an event."""
    kind, target = followers_of or ("none", 0)
    session.connection().exec_driver_sql(
        FAN_OUT,
        {
            "event": event,
            "actor": actor_id,
            "item": item_id,
            "kind": kind,
            "target": target,
            "also": [u for u in also if u is not None],
        },
    )


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(
        select(func.count()).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )


def latest(session: Session, user: User, limit: int = 100) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_read(session: Session, user: User) -> None:
    session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=datetime.now(UTC))
    )
