"""The front page and the about page."""

from flask import Blueprint, Response, render_template

from civicmap.extensions import db
from civicmap.services import areas

bp = Blueprint("main", __name__)


@bp.get("/boundary.geojson")
def boundary():
    """The area's outline, for the maps."""
    response = Response(areas.boundary_geojson(db.session), mimetype="application/geo+json")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/privacy")
def privacy():
    return render_template("main/privacy.html")


@bp.get("/about")
def about():
    return render_template("main/about.html")
