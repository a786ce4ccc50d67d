"""A person's own data (UK GDPR): everything held about them, to download, and erasing their
account. What they published under the open-data licence stays, as "a former member", unless
they choose to delete it too."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from civicmap.errors import Invalid
from civicmap.geo import point_of
from civicmap.models import (
    Appreciation,
    Block,
    Comment,
    Initiative,
    Message,
    Photo,
    Proposal,
    Report,
    Rsvp,
    Update,
    User,
    Volunteering,
)

FORMER_MEMBER = "A former member"


def _when(value) -> str | None:
    return value.isoformat() if value else None


def _point(value) -> list[float] | None:
    point = point_of(value)
    return [round(point.x, 6), round(point.y, 6)] if point is not None else None


def export(session: Session, user: User) -> dict:
    """Everything civicmap holds about this person and everything they wrote, as plain data
    (exact points included: they are theirs)."""
    items = session.scalars(select(Initiative).where(Initiative.author_id == user.id)).all()
    mine = lambda model, column: session.scalars(select(model).where(column == user.id)).all()  # noqa: E731
    return {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "bio": user.bio,
            "skills": user.skills,
            "home_ward": user.home_ward.name if user.home_ward else None,
            "role": user.role,
            "created_at": _when(user.created_at),
            "last_seen_at": _when(user.last_seen_at),
            "suspended_at": _when(user.suspended_at),
        },
        "items": [
            {
                "id": i.id,
                "kind": i.kind,
                "title": i.title,
                "summary": i.summary,
                "description": i.description,
                "category": i.category,
                "status": i.status,
                "skills": i.skills,
                "exact_point": _point(i.location),
                "public_point": _point(i.public_location),
                "ward": i.ward.name,
                "hidden": i.hidden,
                "hidden_reason": i.hidden_reason,
                "created_at": _when(i.created_at),
                "updated_at": _when(i.updated_at),
            }
            for i in items
        ],
        "comments": [
            {
                "id": c.id,
                "on": c.initiative_id,
                "body": c.body,
                "hidden": c.hidden,
                "created_at": _when(c.created_at),
            }
            for c in mine(Comment, Comment.author_id)
        ],
        "proposals": [
            {
                "id": p.id,
                "on": p.initiative_id,
                "action": p.action,
                "status": p.status,
                "volunteers_needed": p.volunteers_needed,
                "created_at": _when(p.created_at),
            }
            for p in mine(Proposal, Proposal.author_id)
        ],
        "volunteering": [
            {
                "proposal": v.proposal_id,
                "status": v.status,
                "note": v.note,
                "created_at": _when(v.created_at),
            }
            for v in mine(Volunteering, Volunteering.user_id)
        ],
        "appreciations": [
            {"on": a.initiative_id, "note": a.note, "created_at": _when(a.created_at)}
            for a in mine(Appreciation, Appreciation.user_id)
        ],
        "events_going": [
            {"event": r.event_id, "status": r.status, "created_at": _when(r.created_at)}
            for r in mine(Rsvp, Rsvp.user_id)
        ],
        "updates": [
            {"on": u.initiative_id, "body": u.body, "created_at": _when(u.created_at)}
            for u in mine(Update, Update.author_id)
        ],
        "photos": [
            {
                "key": p.key,
                "alt": p.alt,
                "on": p.initiative_id,
                "update": p.update_id,
                "created_at": _when(p.created_at),
            }
            for p in mine(Photo, Photo.uploaded_by)
        ],
        "messages_sent": [
            {"to": m.recipient.display_name, "body": m.body, "created_at": _when(m.created_at)}
            for m in mine(Message, Message.sender_id)
        ],
        "messages_received": [
            {
                "from": m.sender.display_name,
                "body": m.body,
                "created_at": _when(m.created_at),
                "read_at": _when(m.read_at),
            }
            for m in mine(Message, Message.recipient_id)
        ],
        "reports_made": [
            {
                "kind": r.target_kind,
                "id": r.target_id,
                "reason": r.reason,
                "note": r.note,
                "status": r.status,
                "created_at": _when(r.created_at),
            }
            for r in mine(Report, Report.reporter_id)
        ],
        "people_blocked": [b.blocked_id for b in mine(Block, Block.blocker_id)],
    }


def items_geojson(session: Session, user: User) -> dict:
    """The person's own items, at their exact points, as a GeoJSON FeatureCollection."""
    items = session.scalars(select(Initiative).where(Initiative.author_id == user.id)).all()
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": i.id,
                "geometry": {
                    "type": "Point",
                    "coordinates": _point(i.location or i.public_location),
                },
                "properties": {"kind": i.kind, "title": i.title, "description": i.description},
            }
            for i in items
        ],
    }


def erase(session: Session, user: User, password: str, with_contributions: bool) -> None:
    """Delete the account: profile, email, messages and exact points erased; what they
    published stays as "a former member" unless `with_contributions`."""
    if not check_password_hash(user.password_hash, password or ""):
        raise Invalid("password", _l("That is not your password."))
    uid = user.id
    session.execute(
        delete(Message).where(or_(Message.sender_id == uid, Message.recipient_id == uid))
    )
    session.execute(delete(Report).where(Report.reporter_id == uid))
    session.execute(delete(Block).where(or_(Block.blocker_id == uid, Block.blocked_id == uid)))
    # An offer's exact point goes; the public one (already on a ~250 m grid) stays.
    session.execute(
        update(Initiative)
        .where(Initiative.author_id == uid, Initiative.kind == "offer")
        .values(location=Initiative.public_location)
    )
    # Withdrawn, not deleted: the database then opens a full proposal again (migration 0009).
    session.execute(
        update(Volunteering)
        .where(Volunteering.user_id == uid)
        .values(status="withdrawn", note=None)
    )
    session.execute(update(Appreciation).where(Appreciation.user_id == uid).values(note=None))
    # Not going any more: the database gives each place they held to the first waiting.
    session.execute(
        update(Rsvp)
        .where(Rsvp.user_id == uid, Rsvp.status.in_(("going", "waiting")))
        .values(status="cancelled")
    )
    if with_contributions:
        session.execute(
            update(Initiative)
            .where(Initiative.author_id == uid, Initiative.hidden.is_(False))
            .values(hidden=True, hidden_reason="deleted")
        )
        session.execute(
            update(Initiative)
            .where(Initiative.author_id == uid)
            .values(title="Deleted", summary=None, description="", skills=[])
        )
        session.execute(
            update(Photo)
            .where(Photo.uploaded_by == uid, Photo.hidden.is_(False))
            .values(hidden=True, hidden_reason="deleted")
        )
        for model, text_column in ((Comment, "body"), (Proposal, "action"), (Update, "body")):
            session.execute(
                update(model)
                .where(model.author_id == uid)
                .values(hidden=True, hidden_reason="deleted", **{text_column: "Deleted"})
            )
        session.execute(delete(Appreciation).where(Appreciation.user_id == uid))
    user.email = f"deleted-{uid}@deleted.civicmap.invalid"
    user.display_name = FORMER_MEMBER
    user.password_hash = generate_password_hash(secrets.token_hex(32))  # no one can log in
    user.bio, user.skills, user.home_ward_id = "", [], None
    user.last_seen_at = None
    user.deleted_at = datetime.now(UTC)
    user.end_sessions()
    session.flush()
