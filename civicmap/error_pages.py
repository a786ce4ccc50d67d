"""Turning errors into answers: an RFC 9457 problem document for API clients, a page for
people, and 503 "try again" when the database connection is lost."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from civicmap.errors import CivicmapError
from civicmap.extensions import db


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
