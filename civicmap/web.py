"""What every page shares: template context, security headers, and turning errors into answers."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from civicmap.errors import CivicmapError
from civicmap.models import vocabulary


def context_processor() -> dict:
    return {
        "site_name": current_app.config["SITE_NAME"],
        "area_name": current_app.config["AREA_NAME"],
        "boundary_attribution": current_app.config["BOUNDARY_ATTRIBUTION"],
        "vocabulary": vocabulary,
    }


def security_headers(response: Response) -> Response:
    tiles = urlsplit(current_app.config["TILE_URL"])
    tile_origin = f"{tiles.scheme}://{tiles.netloc}".replace("{s}", "*") if tiles.netloc else ""
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
    if request.path.startswith(("/api/", "/healthz")):
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

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("Unhandled error")
        return error_response(
            500, _("Something went wrong"), _("Sorry, that did not work. Please try again later.")
        )
