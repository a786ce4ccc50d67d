"""The council answers: an officer's official response to a project, an idea or one of their
proposals, with a status from a short list; the newest is shown at the top of the item (or in
its proposal), and those concerned are told."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from civicmap.errors import Forbidden, Invalid
from civicmap.models import Initiative, OfficialResponse, Proposal, User
from civicmap.models.vocabulary import RESPONSE_STATUSES
from civicmap.services import engagement, notifications


def respond(
    session: Session,
    officer: User,
    item: Initiative,
    status: str,
    team: str,
    body: str,
    proposal: Proposal | None = None,
) -> OfficialResponse:
    """Answer an item, or one proposal on it (`proposal`)."""
    if not officer.is_officer:
        raise Forbidden(_l("Only council officers can answer for the council."))
    if item.kind not in ("project", "idea") or item.hidden:
        raise Invalid(None, _l("The council answers public projects and ideas."))
    if proposal is not None and (proposal.initiative_id != item.id or proposal.hidden):
        raise Invalid(None, _l("The council answers public proposals."))
    if status not in RESPONSE_STATUSES:
        raise Invalid("status", _l("Choose a status."))
    response = OfficialResponse(
        initiative_id=item.id,
        proposal_id=proposal.id if proposal is not None else None,
        officer_id=officer.id,
        team=team.strip(),
        status=status,
        body=body.strip(),
    )
    session.add(response)
    session.flush()
    if proposal is None:
        notifications.tell(
            session,
            "response",
            officer.id,
            item.id,
            also=[item.author_id],
            followers_of=("item", item.id),
        )
    else:  # its proposer and those who signed up
        helpers = engagement.signed_up(session, proposal.id)
        notifications.tell(
            session, "proposal_response", officer.id, item.id, also=[proposal.author_id, *helpers]
        )
    return response


def as_shown(copied: dict | None) -> dict | None:
    """The newest response as the trigger copied it onto its item, its time as a datetime."""
    if not copied:
        return None
    return copied | {"created_at": datetime.fromisoformat(copied["at"])}


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


BY_WARD = """
WITH firsts AS (  -- each public project and idea, and when the council first answered it
  SELECT i.id, i.ward_id, i.created_at, min(r.created_at) AS first_at
  FROM initiatives i
  LEFT JOIN official_responses r ON r.initiative_id = i.id AND r.proposal_id IS NULL
  WHERE NOT i.hidden AND i.kind IN ('project', 'idea')
  GROUP BY i.id
)
SELECT w.name, w.slug,
       count(f.id) FILTER (WHERE f.first_at IS NULL) AS awaiting,
       coalesce(max(extract(day FROM now() - f.created_at)) FILTER (WHERE f.first_at IS NULL),
                0)::int AS oldest_days,
       percentile_cont(0.5) WITHIN GROUP
         (ORDER BY extract(epoch FROM f.first_at - f.created_at) / 86400)
         FILTER (WHERE f.first_at IS NOT NULL) AS median_days,
       (SELECT count(*) FROM proposals p JOIN initiatives pi ON pi.id = p.initiative_id
        WHERE pi.ward_id = w.id AND p.status = 'full' AND NOT p.hidden AND NOT pi.hidden)
         AS full_not_done,
       (SELECT count(*) FROM initiatives o WHERE o.ward_id = w.id AND o.kind = 'offer'
          AND NOT o.hidden
          AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.initiative_id = o.id))
         AS offers_uncontacted
FROM wards w LEFT JOIN firsts f ON f.ward_id = w.id
GROUP BY w.id ORDER BY awaiting DESC, w.name
"""


def by_ward(session: Session) -> list[dict]:
    """Per ward, for officers: projects and ideas awaiting a first response and the oldest's
    age, median days to a first response, proposals full but not done, offers nobody has
    contacted. (It reads every public project and idea: an officers' page, not a public one.)"""
    return [dict(r) for r in session.connection().exec_driver_sql(BY_WARD).mappings()]
