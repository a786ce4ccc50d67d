"""Moderation of everything people write: reports, automatic hiding after enough of them,
moderators' decisions, suspension, blocks, and the append-only log of all of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from civicmap.errors import Conflict, Forbidden, Invalid, NotFound
from civicmap.models import (
    Appreciation,
    Block,
    Comment,
    Initiative,
    Message,
    ModerationEntry,
    Photo,
    Proposal,
    Report,
    Update,
    User,
)
from civicmap.models.vocabulary import REPORT_REASONS
from civicmap.services import notifications
from civicmap.services.refusals import flush_or_refuse


@dataclass(frozen=True)
class Target:
    """A kind of thing that can be reported and hidden."""

    model: type
    author: str  # the attribute holding its author's id
    hidden: str  # the flag that hides it
    reason: str | None = None  # the column saying why, where there is one


TARGETS = {
    "item": Target(Initiative, "author_id", "hidden", "hidden_reason"),
    "comment": Target(Comment, "author_id", "hidden", "hidden_reason"),
    "proposal": Target(Proposal, "author_id", "hidden", "hidden_reason"),
    "appreciation": Target(Appreciation, "user_id", "note_hidden"),
    "update": Target(Update, "author_id", "hidden", "hidden_reason"),
    "photo": Target(Photo, "uploaded_by", "hidden", "hidden_reason"),
    "message": Target(Message, "sender_id", "hidden"),
    "profile": Target(User, "id", "profile_hidden"),
}


def find(session: Session, kind: str, target_id: int):
    target = TARGETS.get(kind)
    thing = session.get(target.model, target_id) if target else None
    if thing is None:
        raise NotFound(_l("There is nothing here with that number."))
    return thing


def author_of(kind: str, thing) -> int:
    return getattr(thing, TARGETS[kind].author)


def is_hidden(kind: str, thing) -> bool:
    return bool(getattr(thing, TARGETS[kind].hidden))


def _set_hidden(kind: str, thing, hidden: bool, why: str | None) -> None:
    target = TARGETS[kind]
    setattr(thing, target.hidden, hidden)
    if target.reason:
        setattr(thing, target.reason, why if hidden else None)


def _log(session: Session, actor: User | None, action: str, kind: str, target_id: int, reason):
    session.add(
        ModerationEntry(
            actor_id=actor.id if actor else None,
            action=action,
            target_kind=kind,
            target_id=target_id,
            reason=(reason or "").strip()[:500] or None,
        )
    )


def _require_moderator(user: User) -> None:
    if not (user.is_authenticated and user.is_moderator):
        raise Forbidden(_l("Only moderators can do that."))


# --- reports -----------------------------------------------------------------------------------


def report(
    session: Session,
    reporter: User,
    kind: str,
    target_id: int,
    reason: str,
    note: str | None,
    auto_hide_after: int,
) -> Report:
    """Report a thing; one report per person per thing. Reports from `auto_hide_after`
    different people hide it until a moderator reviews it."""
    thing = find(session, kind, target_id)
    if reason not in REPORT_REASONS:
        raise Invalid("reason", _l("Choose why you are reporting this."))
    note = (note or "").strip() or None
    if reason == "other" and not note:
        raise Invalid("note", _l("Say what is wrong, in a few words."))
    if author_of(kind, thing) == reporter.id:
        raise Invalid(None, _l("This is yours: you can change or delete it instead."))
    if kind == "message" and thing.recipient_id != reporter.id:
        raise Forbidden(_l("Only the person a message was sent to can report it."))
    if is_hidden(kind, thing):
        raise Conflict(_l("This is already hidden from the public."))
    made = Report(
        reporter_id=reporter.id, target_kind=kind, target_id=target_id, reason=reason, note=note
    )
    session.add(made)
    flush_or_refuse(session)
    reporters = session.scalar(
        select(func.count(func.distinct(Report.reporter_id))).where(
            Report.target_kind == kind, Report.target_id == target_id, Report.status == "open"
        )
    )
    if reporters >= auto_hide_after:
        _set_hidden(kind, thing, True, "reported")
        _log(
            session,
            None,
            "auto-hidden",
            kind,
            target_id,
            f"{reporters} reports from different people; pending review",
        )
        session.flush()
        _tell_author(session, kind, thing)
    return made


def queue(session: Session, reason: str | None = None, kind: str | None = None) -> list[dict]:
    """Open reports grouped by the thing reported, most reported first, then newest."""
    query = (
        select(
            Report.target_kind,
            Report.target_id,
            func.count().label("reports"),
            func.max(Report.created_at).label("newest"),
            func.array_agg(func.distinct(Report.reason)).label("reasons"),
            func.array_remove(func.array_agg(Report.note), None).label("notes"),
        )
        .where(Report.status == "open")
        .group_by(Report.target_kind, Report.target_id)
        .order_by(func.count().desc(), func.max(Report.created_at).desc())
        .limit(200)
    )
    if reason:
        query = query.where(Report.reason == reason)
    if kind:
        query = query.where(Report.target_kind == kind)
    rows = [dict(r._mapping) for r in session.execute(query)]
    for row in rows:
        row["thing"] = session.get(TARGETS[row["target_kind"]].model, row["target_id"])
    return [row for row in rows if row["thing"] is not None]


# --- decisions ---------------------------------------------------------------------------------


def decide(
    session: Session, moderator: User, kind: str, target_id: int, action: str, reason: str | None
) -> None:
    """hide (with a reason its author sees), restore, or dismiss the reports."""
    _require_moderator(moderator)
    thing = find(session, kind, target_id)
    if action == "hide":
        if not (reason or "").strip():
            raise Invalid("reason", _l("Say why: its author will see it."))
        _set_hidden(kind, thing, True, "moderated")
        status = "upheld"
    elif action == "restore":
        if kind == "item" and thing.hidden_reason == "deleted":
            raise Forbidden(_l("Its author deleted this: only they could publish it again."))
        _set_hidden(kind, thing, False, None)
        status = "dismissed"
    elif action == "dismiss":
        status = "dismissed"
    else:
        raise Invalid("action", _l("Choose hide, restore or dismiss."))
    session.execute(
        update(Report)
        .where(Report.target_kind == kind, Report.target_id == target_id, Report.status == "open")
        .values(status=status)
    )
    _log(session, moderator, action, kind, target_id, reason)
    session.flush()
    if action == "hide":
        _tell_author(session, kind, thing)


def _tell_author(session: Session, kind: str, thing) -> None:
    """Its author hears that something of theirs was hidden (and finds why on /me)."""
    item_id = thing.id if kind == "item" else getattr(thing, "initiative_id", None)
    notifications.tell(session, "hidden", None, item_id, also=[author_of(kind, thing)])


SUSPENDABLE = (
    ("item", Initiative),
    ("comment", Comment),
    ("proposal", Proposal),
    ("update", Update),
)


def suspend(session: Session, moderator: User, user_id: int, reason: str | None) -> User:
    """The account cannot log in or post, and all it wrote is hidden, in one step."""
    _require_moderator(moderator)
    user = find(session, "profile", user_id)
    if user.is_moderator:
        raise Forbidden(_l("Moderators and administrators cannot be suspended here."))
    if not (reason or "").strip():
        raise Invalid("reason", _l("Say why the account is suspended."))
    user.suspended_at = datetime.now(UTC)
    user.end_sessions()
    for _kind, model in SUSPENDABLE:
        session.execute(
            update(model)
            .where(model.author_id == user.id, model.hidden.is_(False))
            .values(hidden=True, hidden_reason="suspended")
        )
    _log(session, moderator, "suspend", "profile", user.id, reason)
    session.flush()
    return user


def unsuspend(session: Session, moderator: User, user_id: int, reason: str | None) -> User:
    """Undo a suspension: what it hid is shown again, in one step."""
    _require_moderator(moderator)
    user = find(session, "profile", user_id)
    user.suspended_at = None
    for _kind, model in SUSPENDABLE:
        session.execute(
            update(model)
            .where(model.author_id == user.id, model.hidden_reason == "suspended")
            .values(hidden=False, hidden_reason=None)
        )
    _log(session, moderator, "unsuspend", "profile", user.id, reason)
    session.flush()
    return user


def ask_for_review(session: Session, author: User, kind: str, target_id: int) -> None:
    """The author of something hidden asks a moderator to look again, once."""
    thing = find(session, kind, target_id)
    if author_of(kind, thing) != author.id or not is_hidden(kind, thing):
        raise Forbidden(_l("You can ask for a review of your own hidden posts only."))
    asked = session.scalar(
        select(func.count()).where(
            ModerationEntry.action == "review-asked",
            ModerationEntry.target_kind == kind,
            ModerationEntry.target_id == target_id,
        )
    )
    if asked:
        raise Conflict(_l("You have asked for a review of this already."))
    _log(session, author, "review-asked", kind, target_id, None)
    # Back in the queue: a report by the author stands for the request.
    session.add(
        Report(
            reporter_id=author.id,
            target_kind=kind,
            target_id=target_id,
            reason="other",
            note="The author asks for a review.",
        )
    )
    flush_or_refuse(session)


def hidden_for(session: Session, author: User) -> list[dict]:
    """What of this person's is hidden by moderation, and the reason they were given."""
    found = []
    for kind, model in SUSPENDABLE:
        for thing in session.scalars(
            select(model).where(
                model.author_id == author.id, model.hidden_reason.in_(("moderated", "reported"))
            )
        ):
            last = session.scalar(
                select(ModerationEntry)
                .where(
                    ModerationEntry.target_kind == kind,
                    ModerationEntry.target_id == thing.id,
                    ModerationEntry.action.in_(("hide", "auto-hidden")),
                )
                .order_by(ModerationEntry.id.desc())
                .limit(1)
            )
            asked = session.scalar(
                select(func.count()).where(
                    ModerationEntry.action == "review-asked",
                    ModerationEntry.target_kind == kind,
                    ModerationEntry.target_id == thing.id,
                )
            )
            found.append(
                {
                    "kind": kind,
                    "thing": thing,
                    "why": last.reason if last else None,
                    "asked": bool(asked),
                }
            )
    return found


def log_entries(session: Session, limit: int = 500) -> list[ModerationEntry]:
    return list(
        session.scalars(select(ModerationEntry).order_by(ModerationEntry.id.desc()).limit(limit))
    )


# --- blocks ------------------------------------------------------------------------------------


def block(session: Session, user: User, other_id: int) -> None:
    if other_id == user.id:
        raise Invalid(None, _l("You cannot block yourself."))
    find(session, "profile", other_id)
    if session.get(Block, (user.id, other_id)) is None:
        session.add(Block(blocker_id=user.id, blocked_id=other_id))
        flush_or_refuse(session)


def unblock(session: Session, user: User, other_id: int) -> None:
    found = session.get(Block, (user.id, other_id))
    if found is not None:
        session.delete(found)
        session.flush()


def blocks(session: Session, blocker_id: int, blocked_id: int) -> bool:
    """True if `blocker_id` has blocked `blocked_id`."""
    return session.get(Block, (blocker_id, blocked_id)) is not None


def refuse_if_blocked(session: Session, recipient_id: int, sender: User) -> None:
    if blocks(session, recipient_id, sender.id):
        raise Forbidden(_l("This person does not accept messages or help from you."))
