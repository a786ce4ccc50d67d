"""The council answers: an officer's official response to a project or an idea, with a status
from a short list; the newest is shown at the top of the item, and its followers are told."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from civicmap.errors import Forbidden, Invalid
from civicmap.models import Initiative, OfficialResponse, User
from civicmap.models.vocabulary import RESPONSE_STATUSES
from civicmap.services import notifications


def respond(
    session: Session, officer: User, item: Initiative, status: str, team: str, body: str
) -> OfficialResponse:
    if not officer.is_officer:
        raise Forbidden(_l("Only council officers can answer for the council."))
    if item.kind not in ("project", "idea") or item.hidden:
        raise Invalid(None, _l("The council answers public projects and ideas."))
    if status not in RESPONSE_STATUSES:
        raise Invalid("status", _l("Choose a status."))
    response = OfficialResponse(
        initiative_id=item.id,
        officer_id=officer.id,
        team=team.strip(),
        status=status,
        body=body.strip(),
    )
    session.add(response)
    session.flush()
    notifications.tell(
        session,
        "response",
        officer.id,
        item.id,
        also=[item.author_id],
        followers_of=("item", item.id),
    )
    return response


def latest(session: Session, item_id: int) -> OfficialResponse | None:
    return session.scalar(
        select(OfficialResponse)
        .where(OfficialResponse.initiative_id == item_id)
        .order_by(OfficialResponse.created_at.desc(), OfficialResponse.id.desc())
        .limit(1)
    )


def in_ward(session: Session, ward_id: int, limit: int = 10) -> list[tuple]:
    """The newest responses on the ward's public items: (response, item)."""
    return list(
        session.execute(
            select(OfficialResponse, Initiative)
            .join(Initiative, Initiative.id == OfficialResponse.initiative_id)
            .where(Initiative.ward_id == ward_id, Initiative.hidden.is_(False))
            .order_by(OfficialResponse.created_at.desc())
            .limit(limit)
        ).tuples()
    )
