"""Council officers: wards compared, and open-data exports (public, no personal data)."""

from functools import wraps

from flask import Blueprint, Response, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from civicmap.errors import Forbidden, NotFound
from civicmap.extensions import db
from civicmap.initiatives.urls import PLURALS
from civicmap.services import areas, exports

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


@bp.get("/data/<scope>.<any(csv, geojson):fmt>")
def export(scope: str, fmt: str):
    """The whole area (`/data/all.csv`) or one ward (`/data/brixton-acre-lane.geojson`)."""
    ward_id = None
    if scope != "all":
        try:
            ward_id = areas.get_ward(db.session, scope).id
        except NotFound:
            raise NotFound(_("There is no ward called %(slug)s.", slug=scope)) from None
    records = exports.rows(db.session, ward_id)
    if fmt == "csv":
        body, mimetype = exports.csv_chunks(records), "text/csv; charset=utf-8"
    else:
        body = exports.geojson_chunks(records, _record_url)
        mimetype = "application/geo+json"
    response = Response(stream_with_context(body), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="civicmap-{scope}.{fmt}"'
    return response


def _record_url(record: dict) -> str:
    return url_for(
        "initiatives.show", plural=PLURALS[record["kind"]], item_id=record["id"], _external=True
    )
