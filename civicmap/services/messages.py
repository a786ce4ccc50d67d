"""Messages through the site: getting in touch about an offer, a proposer writing to volunteers,
and replies. Nobody's email address is ever shown."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from civicmap.errors import Forbidden, Invalid, NotFound
from civicmap.models import Initiative, Message, Proposal, User, Volunteering
from civicmap.services import moderation, notifications


def about_offer(session: Session, sender: User, offer: Initiative, body: str) -> Message:
    """Get in touch with the person who made an offer."""
    if offer.kind != "offer":
        raise Invalid(None, _l("You can get in touch about offers."))
    if offer.author_id == sender.id:
        raise Invalid(None, _l("This is your own offer."))
    return _send(session, sender, offer.author_id, body, initiative_id=offer.id)


def to_volunteer(
    session: Session, sender: User, proposal: Proposal, recipient_id: int, body: str
) -> Message:
    """The proposer writes to one of the people volunteering for their proposal."""
    if proposal.author_id != sender.id:
        raise Forbidden(_l("Only the proposer can message its volunteers."))
    is_volunteer = session.scalar(
        select(Volunteering.id).where(
            Volunteering.proposal_id == proposal.id,
            Volunteering.user_id == recipient_id,
            Volunteering.status == "active",
        )
    )
    if not is_volunteer:
        raise Invalid(None, _l("That person is not volunteering for this proposal."))
    return _send(session, sender, recipient_id, body, proposal_id=proposal.id)


def send_about_item(
    session: Session, sender: User, recipient_id: int, body: str, item: Initiative
) -> Message:
    """A message about an item (an event's organiser to the people going)."""
    return _send(session, sender, recipient_id, body, initiative_id=item.id)


def reply(session: Session, sender: User, message_id: int, body: str) -> Message:
    """Answer a message you received."""
    original = session.get(Message, message_id)
    if original is None or original.recipient_id != sender.id:
        raise NotFound(_l("There is no such message."))
    return _send(
        session,
        sender,
        original.sender_id,
        body,
        initiative_id=original.initiative_id,
        proposal_id=original.proposal_id,
    )


def inbox(session: Session, user: User) -> list[Message]:
    """Messages received, newest first (reading them changes nothing: see mark_read)."""
    messages = list(
        session.scalars(
            select(Message)
            .where(Message.recipient_id == user.id, Message.hidden.is_(False))
            .order_by(Message.created_at.desc())
        )
    )
    return messages


def mark_read(session: Session, user: User) -> int:
    """Mark every message to this person read; how many were unread."""
    unread = list(
        session.scalars(
            select(Message).where(Message.recipient_id == user.id, Message.read_at.is_(None))
        )
    )
    now = datetime.now(UTC)
    for m in unread:
        m.read_at = now
    session.flush()
    return len(unread)


def sent(session: Session, user: User) -> list[Message]:
    return list(
        session.scalars(
            select(Message)
            .where(Message.sender_id == user.id, Message.hidden.is_(False))
            .order_by(Message.created_at.desc())
        )
    )


def _send(session: Session, sender: User, recipient_id: int, body: str, **about) -> Message:
    moderation.refuse_if_blocked(session, recipient_id, sender)
    body = (body or "").strip()
    if not body:
        raise Invalid("body", _l("Write a message."))
    message = Message(sender_id=sender.id, recipient_id=recipient_id, body=body, **about)
    session.add(message)
    session.flush()
    notifications.tell(
        session, "message", sender.id, about.get("initiative_id"), also=[recipient_id]
    )
    return message


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(
        select(func.count()).where(Message.recipient_id == user_id, Message.read_at.is_(None))
    )
