"""The about, privacy and accessibility pages, the area's outline, and choosing a language."""

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from civicmap.access import ANYONE, access
from civicmap.extensions import db
from civicmap.i18n import COOKIE, LANGUAGES
from civicmap.routing import safe_next
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


@bp.get("/accessibility")
def accessibility():
    """The accessibility statement (Public Sector Bodies Accessibility Regulations 2018)."""
    return render_template("main/accessibility.html")


@bp.post("/language")
@access(ANYONE)
def choose_language():
    """The language switcher: a plain form, so it works without JavaScript. Remembered in a
    cookie, and on the account of a person who is logged in."""
    code = request.form.get("lang", "")
    back = safe_next(request.form.get("next"), url_for("map.index"))
    if code not in LANGUAGES:
        return redirect(back)
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    response = redirect(back)
    response.set_cookie(
        COOKIE,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
    )
    return response
