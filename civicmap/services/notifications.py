"""Follow a ward or an item, and be told in civicmap when something happens there.

Each event writes its notifications in one statement (INSERT ... SELECT over the followers), so
telling thousands of followers is one job the request queues in its own transaction (the worker
writes them); if any want mail at once, a mail job is queued the same way.
Nobody is told of their own doing, nor of someone they have blocked.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from civicmap.errors import NotFound
from civicmap.models import Follow, Initiative, Notification, User, Ward
from civicmap.models.vocabulary import EMAIL_FREQUENCIES

FOLLOWABLE = {"ward": Ward, "item": Initiative}

# Each notification's mail frequency is fixed here: the most frequent of the person's choices
# for the follows that reached them (a follow's own choice, else the person's); 'never' for an
# address that is unconfirmed, refused or erased. Returns how many were written, and how many
# are to be mailed at once.
FAN_OUT = """
WITH reached AS (
  SELECT f.user_id, f.email_frequency FROM follows f
  WHERE f.target_kind = %(kind)s AND f.target_id = %(target)s
  UNION ALL SELECT unnest(%(also)s::int[]), NULL
), made AS (
  INSERT INTO notifications (user_id, event, actor_id, initiative_id, job_id, email)
  SELECT r.user_id, %(event)s::text, %(actor)s::int, %(item)s::int, %(job)s::bigint,
         CASE WHEN u.email_confirmed_at IS NULL OR u.email_undeliverable_at IS NOT NULL
                   OR u.deleted_at IS NOT NULL THEN 'never'
              ELSE (%(order)s::text[])[min(array_position(%(order)s::text[],
                                           coalesce(r.email_frequency, u.email_frequency)))]
         END
  FROM reached r JOIN users u ON u.id = r.user_id
  WHERE r.user_id IS DISTINCT FROM %(actor)s::int
    AND r.user_id <> ALL(%(skip)s::int[])
    AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = r.user_id
                    AND b.blocked_id = %(actor)s::int)
  GROUP BY r.user_id, u.id
  ON CONFLICT (job_id, user_id) WHERE job_id IS NOT NULL DO NOTHING
  RETURNING email
)
SELECT count(*), count(*) FILTER (WHERE email = 'at_once') FROM made
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
    """Notify `also` (a few people: an author, a volunteer) now, and the followers of
    `followers_of` (a ward or an item: thousands, maybe) by a job queued in this transaction:
    writing 4,000 notifications took ~216 ms, the job's queueing well under a millisecond
    (benchmarks/mail.py). The followers who are also in `also` are told once."""
    also = [u for u in also if u is not None]
    if also:
        fan_out(session, event, actor_id, item_id, None, also=also)
    if followers_of:
        from civicmap import tasks

        kind, target = followers_of
        tasks.defer(
            session,
            tasks.fan_out,
            event=event,
            actor_id=actor_id,
            item_id=item_id,
            kind=kind,
            target=target,
            skip=also,
        )


def fan_out(
    session: Session,
    event: str,
    actor_id: int | None,
    item_id: int | None,
    followers_of: tuple[str, int] | None,
    also: list[int] = (),
    skip: list[int] = (),
    job_id: int | None = None,
) -> int:
    """Write the notifications of one event (once per person, even if a job runs twice: the
    job's id is part of each row's key); how many were written."""
    kind, target = followers_of or ("none", 0)
    written, at_once = (
        session.connection()
        .exec_driver_sql(
            FAN_OUT,
            {
                "event": event,
                "actor": actor_id,
                "item": item_id,
                "kind": kind,
                "target": target,
                "also": list(also),
                "skip": list(skip),
                "job": job_id,
                "order": list(EMAIL_FREQUENCIES),
            },
        )
        .one()
    )
    if at_once:
        from civicmap import tasks

        tasks.defer(session, tasks.mail_at_once)
    return written


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


# --- how often by mail --------------------------------------------------------------------------


def followed(session: Session, user: User) -> list[tuple[Follow, str]]:
    """The person's follows with what each is called (a ward's name, an item's title)."""
    rows = session.execute(
        select(Follow, func.coalesce(Ward.name, Initiative.title))
        .outerjoin(Ward, (Follow.target_kind == "ward") & (Ward.id == Follow.target_id))
        .outerjoin(Initiative, (Follow.target_kind == "item") & (Initiative.id == Follow.target_id))
        .where(Follow.user_id == user.id)
        .order_by(Follow.target_kind.desc(), Follow.created_at)
    )
    return [(follow, name or "") for follow, name in rows]


def set_email_frequency(
    session: Session, user: User, frequency: str, per_follow: dict[tuple[str, int], str | None]
) -> None:
    """The person's own choice, and each follow's (None: as their own)."""
    user.email_frequency = frequency
    for follow, _name in followed(session, user):
        key = (follow.target_kind, follow.target_id)
        if key in per_follow:
            follow.email_frequency = per_follow[key]
    session.flush()


def unsubscribe(session: Session, user: User) -> None:
    """No more mail of any kind but what the person asks for (a reset link, a confirmation);
    what is already waiting to go as a digest stays in civicmap only."""
    user.email_frequency = "never"
    session.execute(update(Follow).where(Follow.user_id == user.id).values(email_frequency=None))
    session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.mail_id.is_(None))
        .values(email="never")
    )
    session.flush()
