"""Open data: the downloads page and streamed bulk downloads (CSV and GeoJSON)."""

from flask import Blueprint, Response, render_template, stream_with_context, url_for
from flask_babel import gettext as _

from civicmap.errors import NotFound
from civicmap.extensions import db
from civicmap.initiatives.urls import PLURALS
from civicmap.services import areas, exports
from civicmap.services.features import KIND_OF

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
    """Everything (`all`), one collection (`projects`), or one ward (`brixton-acre-lane`)."""
    ward_id, kind = None, None
    if scope in KIND_OF:
        kind = KIND_OF[scope]
    elif scope != "all":
        try:
            ward_id = areas.get_ward(db.session, scope).id
        except NotFound:
            raise NotFound(
                _("There is no collection or ward called %(scope)s.", scope=scope)
            ) from None
    records = exports.rows(db.session, ward_id=ward_id, kind=kind)
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
