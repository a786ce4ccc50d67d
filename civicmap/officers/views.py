"""Council officers: wards compared side by side, and the council's official responses (exports
are on the open data page)."""

from functools import wraps

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from civicmap.access import OFFICER, access
from civicmap.errors import Forbidden
from civicmap.extensions import db
from civicmap.forms import form_status, submit
from civicmap.initiatives.page import render_item
from civicmap.initiatives.urls import KIND_OF, KINDS, item_url
from civicmap.officers.forms import ResponseForm
from civicmap.services import areas, engagement, matching, responses
from civicmap.services import initiatives as items

bp = Blueprint("officers", __name__)


def officers_only(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_officer:
            raise Forbidden(_("This page is for council officers."))
        return view(*args, **kwargs)

    return wrapped


@bp.get("/officers")
@officers_only
def dashboard():
    wards = areas.ward_stats(db.session)
    key = request.args.get("sort", "name")
    if wards and key in wards[0]:
        wards.sort(key=lambda w: w[key], reverse=key != "name")
    return render_template(
        "officers/dashboard.html",
        wards=wards,
        skills=areas.skills_offered(db.session),
        gaps=matching.gaps_by_ward(db.session),
        months=areas.new_per_month(db.session),
        answers=responses.by_ward(db.session),
    )


@bp.route("/officers/respond/proposals/<id:proposal_id>", methods=["GET", "POST"])
@access(OFFICER)
@officers_only
def respond_to_proposal(proposal_id: int):
    """A page of its own: a form per proposal on the item page would repeat the same fields."""
    proposal = engagement.get_proposal(db.session, proposal_id)
    item = items.get(db.session, proposal.initiative_kind, proposal.initiative_id, current_user)
    form = ResponseForm()
    done, _response = submit(
        form,
        lambda: responses.respond(
            db.session,
            current_user,
            item,
            form.status.data,
            form.team.data,
            form.body.data,
            proposal=proposal,
        ),
    )
    if done:
        flash(_("The council's response is published."), "success")
        return redirect(f"{item_url(item)}#proposal-{proposal.id}")
    return render_template(
        "officers/respond_proposal.html", form=form, proposal=proposal, item=item
    ), form_status(form)


@bp.post(f"/officers/respond/{KINDS}/<id:item_id>")
@access(OFFICER)
@officers_only
def respond(plural: str, item_id: int):
    item = items.get(db.session, KIND_OF[plural], item_id, current_user)
    form = ResponseForm()
    done, _response = submit(
        form,
        lambda: responses.respond(
            db.session, current_user, item, form.status.data, form.team.data, form.body.data
        ),
    )
    if done:
        flash(_("The council's response is published."), "success")
        return redirect(f"{item_url(item)}#council-response")
    return render_item(item, status=form_status(form), response_form=form)
