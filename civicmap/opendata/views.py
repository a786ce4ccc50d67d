"""Open data: the downloads page and streamed bulk downloads (CSV and GeoJSON)."""

from dataclasses import replace

from flask import Blueprint, Response, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _

from civicmap.errors import NotFound
from civicmap.extensions import db
from civicmap.filters import EXPORT, parse_filters
from civicmap.initiatives.urls import KIND_OF, PLURALS
from civicmap.services import areas, exports

bp = Blueprint("opendata", __name__)


@bp.get("/data")
def index():
    return render_template(
        "opendata/index.html",
        collections=list(KIND_OF),
        wards=areas.ward_stats(db.session),
    )


@bp.get("/data/<scope>.<any(csv, geojson):fmt>")
def download(scope: str, fmt: str):
    """Everything (`all`), one collection (`projects`) or one ward (`brixton-acre-lane`),
    narrowed by the same filter arguments as the map and the API (?q=, ?bbox=, ...)."""
    chosen = parse_filters(request.args, EXPORT)
    if scope in KIND_OF:
        chosen = replace(chosen, kinds=(KIND_OF[scope],))
    elif scope != "all":
        try:
            chosen = replace(chosen, ward=areas.get_ward(db.session, scope).slug)
        except NotFound:
            raise NotFound(
                _("There is no collection or ward called %(scope)s.", scope=scope)
            ) from None
    records = exports.rows(db.session, chosen)
    if fmt == "csv":
        body, mimetype = exports.csv_chunks(records), "text/csv; charset=utf-8"
    else:
        body, mimetype = exports.geojson_chunks(records, _record_url), "application/geo+json"
    response = Response(stream_with_context(body), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="civicmap-{scope}.{fmt}"'
    return response


def _record_url(record: dict) -> str:
    return url_for(
        "initiatives.show", plural=PLURALS[record["kind"]], item_id=record["id"], _external=True
    )
