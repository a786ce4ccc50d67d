"""Council officers: wards compared side by side (exports are on the open data page)."""

from functools import wraps

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from civicmap.errors import Forbidden
from civicmap.extensions import db
from civicmap.services import areas

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
        months=areas.new_per_month(db.session),
    )
