"""Appreciate, comment, propose, volunteer, get in touch: the forms on an item's page.

Each view validates its form and calls one service; a refusal re-renders the item page with
the message next to the form and what the person typed kept.
"""

from flask import Blueprint, abort, current_app, redirect
from flask_babel import gettext as _
from flask_login import current_user, login_required

from civicmap import limits
from civicmap.access import AUTHOR, SIGNED_IN, access
from civicmap.engagement.forms import AppreciateForm, CommentForm, ProposalForm, VolunteerForm
from civicmap.extensions import db
from civicmap.initiatives.page import act_on_item
from civicmap.initiatives.urls import KIND_OF, KINDS, item_url
from civicmap.limits import per_account
from civicmap.people.forms import MessageForm
from civicmap.services import calendar, engagement, messages, tokens
from civicmap.services import initiatives as items

bp = Blueprint("engagement", __name__)


def _item(plural: str, item_id: int):
    return items.get(db.session, KIND_OF[plural], item_id, current_user)


@bp.post(f"/{KINDS}/<id:item_id>/appreciate")
@access(SIGNED_IN)
@per_account(limits.ENGAGEMENT)
@login_required
def appreciate(plural: str, item_id: int):
    item, form = _item(plural, item_id), AppreciateForm()
    return act_on_item(
        item,
        "appreciate_form",
        form,
        lambda: engagement.appreciate(db.session, current_user, item, form.note.data),
        _("Thank you for your appreciation."),
        "appreciations",
    )


@bp.post(f"/{KINDS}/<id:item_id>/unappreciate")
@access(SIGNED_IN)
@per_account(limits.ENGAGEMENT)
@login_required
def unappreciate(plural: str, item_id: int):
    item, form = _item(plural, item_id), AppreciateForm()
    return act_on_item(
        item,
        "appreciate_form",
        form,
        lambda: engagement.unappreciate(db.session, current_user, item),
        _("Your appreciation has been taken back."),
        "appreciations",
    )


@bp.post(f"/{KINDS}/<id:item_id>/comments")
@access(SIGNED_IN)
@per_account(limits.COMMENTS)
@login_required
def comment(plural: str, item_id: int):
    item, form = _item(plural, item_id), CommentForm()
    return act_on_item(
        item,
        "comment_form",
        form,
        lambda: engagement.comment(
            db.session, current_user, item, form.body.data, form.parent_id.data
        ),
        _("Your comment is posted."),
        "discussion",
    )


@bp.post(f"/{KINDS}/<id:item_id>/proposals")
@access(SIGNED_IN)
@per_account(limits.PROPOSALS)
@login_required
def propose(plural: str, item_id: int):
    item, form = _item(plural, item_id), ProposalForm()
    return act_on_item(
        item,
        "proposal_form",
        form,
        lambda: engagement.propose(
            db.session,
            current_user,
            item,
            form.action.data,
            form.due_on.data,
            form.volunteers_needed.data or 0,
            form.skills_needed.data,
            engagement.Schedule(
                day=form.meets_on.data,
                at=form.meets_at.data,
                duration_minutes=form.duration_minutes.data,
                place=form.meeting_place.data or "",
                lat=form.meeting_lat.data or "",
                lon=form.meeting_lon.data or "",
            ),
        ),
        _("Your proposal is posted. Thank you!"),
        "proposals",
    )


@bp.post(f"/{KINDS}/<id:item_id>/contact")
@access(SIGNED_IN)
@per_account(limits.MESSAGES)
@login_required
def contact(plural: str, item_id: int):
    item, form = _item(plural, item_id), MessageForm()
    return act_on_item(
        item,
        "message_form",
        form,
        lambda: messages.about_offer(db.session, current_user, item, form.body.data),
        _("Your message has been sent."),
        "contact",
    )


def _proposal_item(proposal_id: int):
    proposal = engagement.get_proposal(db.session, proposal_id)
    item = items.get(db.session, proposal.initiative_kind, proposal.initiative_id, current_user)
    return proposal, item


@bp.post("/proposals/<id:proposal_id>/volunteer")
@access(SIGNED_IN)
@per_account(limits.ENGAGEMENT)
@login_required
def volunteer(proposal_id: int):
    proposal, item = _proposal_item(proposal_id)
    form = VolunteerForm()
    return act_on_item(
        item,
        "volunteer_form",
        form,
        lambda: engagement.volunteer(db.session, current_user, proposal.id, form.note.data),
        _("Thank you for volunteering!"),
        f"proposal-{proposal.id}",
    )


@bp.post("/proposals/<id:proposal_id>/wait")
@access(SIGNED_IN)
@per_account(limits.ENGAGEMENT)
@login_required
def wait(proposal_id: int):
    proposal, item = _proposal_item(proposal_id)
    return act_on_item(
        item,
        "volunteer_form",
        VolunteerForm(),
        lambda: engagement.wait_for_a_place(db.session, current_user, proposal.id),
        _("You are on the waiting list: you will be told if a place comes free."),
        f"proposal-{proposal.id}",
    )


@bp.post("/proposals/<id:proposal_id>/withdraw")
@access(SIGNED_IN)
@per_account(limits.ENGAGEMENT)
@login_required
def withdraw(proposal_id: int):
    proposal, item = _proposal_item(proposal_id)
    return act_on_item(
        item,
        "volunteer_form",
        VolunteerForm(),
        lambda: engagement.withdraw_volunteering(db.session, current_user, proposal.id),
        _("You are no longer volunteering for this."),
        f"proposal-{proposal.id}",
    )


@bp.post("/proposals/<id:proposal_id>/status/<any(done, withdrawn):status>")
@access(AUTHOR)
@login_required
def proposal_status(proposal_id: int, status: str):
    proposal, item = _proposal_item(proposal_id)
    return act_on_item(
        item,
        "volunteer_form",
        VolunteerForm(),
        lambda: engagement.set_proposal_status(db.session, current_user, proposal, status),
        _("The proposal is updated."),
        f"proposal-{proposal.id}",
    )


@bp.post("/proposals/<id:proposal_id>/message/<id:user_id>")
@access(AUTHOR)
@per_account(limits.MESSAGES)
@login_required
def message_volunteer(proposal_id: int, user_id: int):
    proposal, item = _proposal_item(proposal_id)
    form = MessageForm()
    return act_on_item(
        item,
        "message_form",
        form,
        lambda: messages.to_volunteer(db.session, current_user, proposal, user_id, form.body.data),
        _("Your message has been sent."),
        f"proposal-{proposal.id}",
    )


@bp.get("/proposals/<id:proposal_id>")
def goto_proposal(proposal_id: int):
    """A proposal lives on its item's page."""
    proposal, item = _proposal_item(proposal_id)
    return redirect(f"{item_url(item)}#proposal-{proposal.id}")


@bp.get("/proposals/<id:proposal_id>.ics")
def proposal_calendar(proposal_id: int):
    """One proposal with a time, for "add to calendar"."""
    proposal, item = _proposal_item(proposal_id)
    if proposal.starts_at is None or proposal.hidden:
        abort(404)
    return calendar.as_response(calendar.one(proposal, item), f"proposal-{proposal.id}")


@bp.get("/calendar/<token>.ics")
def personal_calendar(token: str):
    """What a person proposed or helps with, for a calendar app to subscribe to (the signed
    token in the address stands in for a log-in, which calendar apps cannot do)."""
    user = tokens.read(db.session, "calendar", token)
    if user is None:
        abort(404)
    rows = calendar.taking_part(db.session, user.id)
    name = _("%(site)s: what I take part in", site=current_app.config["SITE_NAME"])
    return calendar.as_response(calendar.calendar(name, rows))
