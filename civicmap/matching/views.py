"""Needs near you that fit your skills: /me/matches, and the block on /me."""

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from civicmap.errors import Invalid
from civicmap.extensions import db
from civicmap.matching.forms import NearForm
from civicmap.services import initiatives as items
from civicmap.services import matching

bp = Blueprint("matching", __name__)


@bp.get("/me/matches")
@login_required
def needs_near_me():
    session = db.session
    form = NearForm(request.args)
    offers = [i for i in items.by_author(session, current_user.id) if i.kind == "offer"]
    form.offer.choices = [("", _("Choose an offer")), *((o.id, o.title) for o in offers)]
    if not request.args:
        form.source.data = default_source(offers)
    matches, origin, status = [], None, 200
    if form.validate():
        try:
            origin = matching.origin_for(
                session, current_user, form.source.data, form.postcode.data or "", form.offer.data
            )
            matches = matching.needs_near(session, origin, form.within.data)
        except Invalid as refusal:
            # Shown beside the field it is about; what was typed stays in the form.
            getattr(form, refusal.field or "source", form.source).errors.append(refusal.message)
            status = 400
    else:
        status = 400
    page = render_template(
        "matching/matches.html", form=form, matches=matches, origin=origin, has_offers=bool(offers)
    )
    return page, status


def default_source(offers) -> str:
    """Their ward if they said it, else their first offer's place, else a postcode to type."""
    if current_user.home_ward_id:
        return "ward"
    return "offer" if offers else "postcode"


def for_me_page(session, offers) -> tuple[list, object]:
    """The few best matches for the block on /me, from where they are by default; nothing (and
    a link to choose) when nothing says where they are."""
    source = default_source(offers)
    if source == "postcode":
        return [], None
    try:
        origin = matching.origin_for(
            session, current_user, source, offer_id=offers[0].id if offers else None
        )
    except Invalid:
        return [], None
    return matching.needs_near(session, origin, limit=5), origin
