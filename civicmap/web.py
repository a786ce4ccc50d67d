"""What every page shares: template context, security headers, and turning errors into answers."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from civicmap.errors import CivicmapError, Conflict, Invalid
from civicmap.extensions import db
from civicmap.models import vocabulary
from civicmap.rendering import user_text

__all__ = ["user_text"]


def context_processor() -> dict:
    from civicmap.initiatives.urls import item_url

    return {
        "item_url": item_url,
        "field_aria": field_aria,
        "get_locale": get_locale,
        "site_name": current_app.config["SITE_NAME"],
        "area_name": current_app.config["AREA_NAME"],
        "boundary_attribution": current_app.config["BOUNDARY_ATTRIBUTION"],
        "vocabulary": vocabulary,
    }


class IdConverter(IntegerConverter):
    """A database id in a URL: 1 to 2**31 - 1 (PostgreSQL's integer); anything else is a 404."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**31 - 1)


def refuse_nul_characters():
    """PostgreSQL cannot store a NUL character: refuse it up front with a 400, not a 500."""
    values = [*request.args.values(), *request.form.values(), request.path]
    if any("\x00" in v for v in values):
        return error_response(
            400, _("Bad request"), _("The request contains a character that cannot be stored.")
        )
    return None


def field_aria(field) -> dict[str, str]:
    """ARIA attributes tying a control to its hint and error (only those that apply)."""
    described = [
        f"{field.id}-{part}"
        for part, on in (("hint", field.description), ("error", field.errors))
        if on
    ]
    attrs = {"aria-describedby": " ".join(described)} if described else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return attrs


def unauthorized():
    """Logged out and trying to write: log in first, then come back to the page you were on."""
    if wants_json():
        return error_response(401, _("Log in first"), _("You need to log in to do that."))
    if request.method == "GET":
        back = request.full_path.rstrip("?")
    else:
        # A form posted while logged out: come back to the page that had the form.
        referrer = urlsplit(request.referrer or "")
        same_site = referrer.netloc == request.host
        back = (
            (referrer.path + (f"?{referrer.query}" if referrer.query else "")) if same_site else "/"
        )
    flash(_("Please log in (or sign up) to do that."), "info")
    return redirect(url_for("auth.login", next=safe_next(back)))


@lru_cache(maxsize=4)
def _origin(url: str) -> str:
    """The origin of a tile URL template, as a CSP source ({s} subdomains become *)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".replace("{s}", "*") if parts.netloc else ""


def security_headers(response: Response) -> Response:
    tile_origin = _origin(current_app.config["TILE_URL"])
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data: {tile_origin}; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response


def wants_json() -> bool:
    if request.path.startswith(("/api/", "/healthz", "/map/", "/data/")):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(status: int, title: str, detail: str):
    """An RFC 9457 problem document for API clients, an error page for people."""
    if wants_json():
        body = jsonify(type="about:blank", title=title, status=status, detail=detail)
        body.status_code = status
        body.mimetype = "application/problem+json"
        return body
    return render_template("errors/error.html", status=status, title=title, detail=detail), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CivicmapError)
    def civicmap_error(exc: CivicmapError):
        return error_response(exc.status, str(exc.title), exc.message)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error_response(
            400,
            _("Your form expired"),
            _("For your safety the form could not be sent. Reload the page and try again."),
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return error_response(exc.code or 500, exc.name, exc.description or "")

    @app.errorhandler(DBAPIError)
    def database_error(exc: DBAPIError):
        if not exc.connection_invalidated:
            return unexpected(exc)
        # The database dropped a pooled connection (a restart, a failover): SQLAlchemy has
        # thrown the pool's connections away, so trying again reconnects.
        app.logger.warning("Database connection lost: %s", exc.orig)
        db.session.rollback()
        response = error_response(
            503,
            _("Please try again"),
            _("The connection to the database was interrupted. Please try again."),
        )
        response = app.make_response(response)
        response.headers["Retry-After"] = "1"
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("Unhandled error")
        return error_response(
            500, _("Something went wrong"), _("Sorry, that did not work. Please try again later.")
        )


def safe_next(target: str | None, default: str = "/") -> str:
    """A redirect target inside this site only (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or target.startswith("//"):
        return default
    return target


def show_invalid(form, exc: CivicmapError) -> None:
    """Put a service's refusal next to the field it is about (or at the top of the form)."""
    field = getattr(exc, "field", None)
    if field and field in form:
        form[field].errors = [*form[field].errors, exc.message]
    else:
        form.form_errors.append(exc.message)


def submit(form, action: Callable[[], Any]) -> tuple[bool, Any]:
    """Validate a posted form, run its one service call and commit: (True, what it returned).

    A refusal (Invalid, Conflict) rolls everything back and is shown next to its field, with
    what the person typed kept: (False, None), and `form_status` then gives its HTTP status.
    """
    if not form.validate_on_submit():
        return False, None
    try:
        result = action()
        db.session.commit()
    except (Invalid, Conflict) as exc:
        db.session.rollback()
        show_invalid(form, exc)
        form.refusal_status = exc.status
        return False, None
    return True, result


def form_status(form) -> int:
    """200 for a form shown, else the status of why a posted one was not accepted."""
    if request.method != "POST":
        return 200
    return getattr(form, "refusal_status", 422)
