"""Follow a ward or an item, and be told in civicmap when something happens there.

Each event writes its notifications in one statement (INSERT ... SELECT over the followers), so
telling thousands of followers is one job the request queues in its own transaction (the worker
writes them); if any want mail at once, a mail job is queued the same way.
Nobody is told of their own doing, nor of someone they have blocked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from civicmap.errors import Invalid, NotFound
from civicmap.geo import NEAR_DISTANCES, distance_label
from civicmap.models import (
    Follow,
    Initiative,
    Notification,
    TopicFollow,
    User,
    Ward,
)
from civicmap.models.vocabulary import CATEGORIES, EMAIL_FREQUENCIES

FOLLOWABLE = {"ward": Ward, "item": Initiative}

# Each notification's mail frequency is fixed here: the most frequent of the person's choices
# for the follows that reached them (a follow's own choice, else the person's); 'never' for an
# address that is unconfirmed, refused or erased. Returns how many were written, and how many
# are to be mailed at once.
FAN_OUT = """
WITH reached AS (
  SELECT f.user_id, f.email_frequency, %(event)s::text AS event FROM follows f
  WHERE f.target_kind = %(kind)s AND f.target_id = %(target)s
  UNION ALL SELECT unnest(%(also)s::int[]), NULL, %(event)s::text
  -- A new item also reaches those who follow its category, or one of its skills near it
  -- (offers by their public point only: the exact one stays private).
  UNION ALL SELECT t.user_id, t.email_frequency, 'new_in_category' FROM topic_follows t
  JOIN initiatives i ON i.id = %(item)s::int
  WHERE %(topics)s AND t.kind = 'category' AND t.value = i.category
  UNION ALL SELECT t.user_id, t.email_frequency, 'new_skill_near' FROM topic_follows t
  JOIN initiatives i ON i.id = %(item)s::int
  WHERE %(topics)s AND t.kind = 'skill'
    AND (t.value = ANY(i.skills) OR t.value = ANY(i.skills_needed))
    AND ST_DWithin(t.centre::geography, i.public_location::geography, t.radius_m)
), made AS (
  INSERT INTO notifications (user_id, event, actor_id, initiative_id, job_id, email)
  -- Reached more than one way, a person hears once, in the words of the closest follow.
  SELECT r.user_id,
         CASE WHEN bool_or(r.event = %(event)s) THEN %(event)s::text ELSE min(r.event) END,
         %(actor)s::int, %(item)s::int, %(job)s::bigint,
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
    # The database keeps it once, however many times it is asked at once.
    session.execute(
        pg_insert(Follow)
        .values(user_id=user.id, target_kind=kind, target_id=target_id)
        .on_conflict_do_nothing()
    )


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
    skip: list[int] = (),
) -> None:
    """Notify `also` (a few people: an author, a volunteer) now, and the followers of
    `followers_of` (a ward or an item: thousands, maybe) by a job queued in this transaction:
    writing 4,000 notifications took ~216 ms, the job's queueing well under a millisecond
    (benchmarks/mail.py). The followers who are also in `also` are told once; those in `skip`
    are not told (they heard of it another way)."""
    also = [u for u in also if u is not None]
    skip = [u for u in skip if u is not None]
    if also:
        fan_out(session, event, actor_id, item_id, None, also=also, skip=skip)
    if followers_of or event == "new_item":
        from civicmap import tasks

        kind, target = followers_of or ("none", 0)
        tasks.defer(
            session,
            tasks.fan_out,
            event=event,
            actor_id=actor_id,
            item_id=item_id,
            kind=kind,
            target=target,
            skip=also + skip,
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
                "topics": event == "new_item",
                "order": list(EMAIL_FREQUENCIES),
            },
        )
        .one()
    )
    if at_once:
        from civicmap import tasks

        tasks.defer(session, tasks.mail_at_once)
    return written


def account_of_reader(session: Session, user_id: int) -> tuple[User | None, dict]:
    """A person's account and what every page shows them of their own (their unread count, the
    wards they follow), in one query: it is asked for each page they read."""
    unread = (
        select(func.count())
        .where(Notification.user_id == User.id, Notification.read_at.is_(None))
        .scalar_subquery()
    )
    wards = (
        select(func.array_agg(Follow.target_id))
        .where(Follow.user_id == User.id, Follow.target_kind == "ward")
        .scalar_subquery()
    )
    found = session.execute(select(User, unread, wards).where(User.id == user_id)).one_or_none()
    if found is None:
        return None, {}
    return found[0], {"unread_notifications": found[1], "followed_wards": frozenset(found[2] or ())}


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


@dataclass(frozen=True)
class Followed:
    """One thing a person follows, as the email settings list it."""

    key: str  # "ward-3", "item-12", "topic-5": unique per person, safe in a form field's name
    name: str
    row: Follow | TopicFollow

    @property
    def unfollow_url(self) -> str:
        if isinstance(self.row, TopicFollow):
            return url_for("notifications.unfollow_topic", topic_id=self.row.id)
        return url_for(
            "notifications.follow",
            action="unfollow",
            kind=self.row.target_kind,
            target_id=self.row.target_id,
        )


def followed(session: Session, user: User) -> list[Followed]:
    """The person's follows with what each is called (a ward's name, an item's title, a
    category, a skill near a postcode)."""
    rows = session.execute(
        select(Follow, func.coalesce(Ward.name, Initiative.title))
        .outerjoin(Ward, (Follow.target_kind == "ward") & (Ward.id == Follow.target_id))
        .outerjoin(Initiative, (Follow.target_kind == "item") & (Initiative.id == Follow.target_id))
        .where(Follow.user_id == user.id)
        .order_by(Follow.target_kind.desc(), Follow.created_at)
    )
    found = [Followed(f"{f.target_kind}-{f.target_id}", name or "", f) for f, name in rows]
    topics = session.scalars(
        select(TopicFollow).where(TopicFollow.user_id == user.id).order_by(TopicFollow.id)
    )
    return found + [Followed(f"topic-{t.id}", topic_name(t), t) for t in topics]


def topic_name(topic: TopicFollow) -> str:
    if topic.kind == "category":
        return str(_l("%(category)s, anywhere", category=CATEGORIES.get(topic.value, topic.value)))
    return str(
        _l(
            "%(skill)s within %(distance)s of %(postcode)s",
            skill=topic.value,
            distance=str(distance_label(topic.radius_m)),
            postcode=topic.postcode,
        )
    )


RADII = NEAR_DISTANCES


def follow_topic(
    session: Session,
    user: User,
    kind: str,
    value: str,
    postcode: str = "",
    radius_m: int | None = None,
) -> None:
    """Follow a category, or a skill near a postcode; following the same again changes nothing
    (but a new distance), however many times it is asked at once."""
    from civicmap.services.areas import find_postcode
    from civicmap.services.skills import parse as parse_skills

    topic = {"user_id": user.id, "kind": kind, "postcode": None, "centre": None, "radius_m": None}
    if kind == "category":
        if value not in CATEGORIES:
            raise Invalid("category", _l("Choose a category from the list."))
        topic["value"] = value
    elif kind == "skill":
        tags = parse_skills(session, value, "skill")
        if len(tags) != 1:
            raise Invalid("skill", _l("Name one skill, for example carpentry."))
        if radius_m not in RADII:
            raise Invalid("radius_m", _l("Choose a distance from the list."))
        place = find_postcode(session, postcode)
        if place is None:
            raise Invalid(
                "postcode", _l("We do not know that postcode here. Try one like SW2 1RW.")
            )
        topic |= {
            "value": tags[0],
            "postcode": place.postcode,
            "centre": place.location,
            "radius_m": radius_m,
        }
    else:
        raise Invalid(None, _l("That cannot be followed."))
    insert = pg_insert(TopicFollow).values(**topic)
    session.execute(
        insert.on_conflict_do_update(
            constraint="uq_topic_follows_once", set_={"radius_m": insert.excluded.radius_m}
        )
    )


def unfollow_topic(session: Session, user: User, topic_id: int) -> None:
    found = session.get(TopicFollow, topic_id)
    if found is not None and found.user_id == user.id:
        session.delete(found)
        session.flush()


def set_email_frequency(
    session: Session, user: User, frequency: str, per_follow: dict[str, str | None]
) -> None:
    """The person's own choice, and each follow's by its key (None: as their own)."""
    user.email_frequency = frequency
    for follow in followed(session, user):
        if follow.key in per_follow:
            follow.row.email_frequency = per_follow[follow.key]
    session.flush()


def unsubscribe(session: Session, user: User) -> None:
    """No more mail of any kind but what the person asks for (a reset link, a confirmation);
    what is already waiting to go as a digest stays in civicmap only."""
    user.email_frequency = "never"
    for model in (Follow, TopicFollow):
        session.execute(update(model).where(model.user_id == user.id).values(email_frequency=None))
    session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.mail_id.is_(None))
        .values(email="never")
    )
    session.flush()
