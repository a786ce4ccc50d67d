"""Turning errors into answers: an RFC 9457 problem document for API clients, a page for
people, and 503 "try again" when the database connection is lost."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, g, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import (
    HTTPException,
    RequestEntityTooLarge,
    SecurityError,
    TooManyRequests,
)

from civicmap.errors import CivicmapError
from civicmap.extensions import db
from civicmap.services.refusals import refusal_for

RETRY_AFTER_SECONDS = 1


def wants_json() -> bool:
    if request.path.startswith(("/api/", "/healthz", "/map/", "/data/")):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def error_response(status: int, title: str, detail: str):
    """An RFC 9457 problem document for API clients, an error page for people.

    A form that was posted comes back on the page as a "Try again" button that posts what the
    person entered once more (passwords aside), so nothing they typed is lost.
    """
    if wants_json():
        body = jsonify(type="about:blank", title=title, status=status, detail=detail)
        body.status_code = status
        body.mimetype = "application/problem+json"
        return body
    kept = []
    if request.method == "POST" and status != 413:
        kept = [(k, v) for k, v in request.form.items(multi=True) if "password" not in k]
    page = render_template(
        "errors/error.html", status=status, title=title, detail=detail, kept=kept, back=_back()
    )
    response = make_response(page, status)
    # A 404 or 410 is cacheable by default: a page restored by a moderator must show at once.
    response.headers["Cache-Control"] = "no-store"
    return response


def _back() -> str | None:
    """The page on this site the person came from, to go back to it."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or not referrer.path.startswith("/"):
        return None
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


def is_outage(exc: DBAPIError) -> bool:
    """The database is unreachable, restarting or dropped the connection: worth a retry."""
    return exc.connection_invalidated or isinstance(exc, (OperationalError, InterfaceError))


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

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc: RequestEntityTooLarge):
        limit = app.config["MAX_CONTENT_LENGTH"] // 1024
        return error_response(
            413,
            _("That was too much to send"),
            _(
                "A form can send at most %(kb)s KB. Go back, shorten what you wrote and send it "
                "again.",
                kb=limit,
            ),
        )

    @app.errorhandler(SecurityError)
    def untrusted_host(exc: SecurityError):
        # A Host header not in TRUSTED_HOSTS: no page can be built (every link would need that
        # host), so a plain answer.
        return Response(
            "Bad request: this site does not answer to that host name.\n",
            400,
            mimetype="text/plain",
        )

    @app.errorhandler(TooManyRequests)
    def too_many(exc: TooManyRequests):
        response = app.make_response(
            error_response(
                429,
                _("Please wait a little"),
                _(
                    "That has been done many times in a short while. Please wait a few minutes "
                    "and try again."
                ),
            )
        )
        if exc.retry_after:
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return error_response(exc.code or 500, exc.name, exc.description or "")

    @app.errorhandler(DBAPIError)
    def database_error(exc: DBAPIError):
        _roll_back()
        refusal = refusal_for(exc)
        if refusal is not None:  # a rule the database keeps, raced for by a crowd
            return error_response(refusal.status, str(refusal.title), refusal.message)
        if not is_outage(exc):
            return unexpected(exc)
        # Down, restarting, or a pooled connection dropped (a restart, a failover): SQLAlchemy
        # has thrown the pool's connections away, so trying again reconnects.
        app.logger.warning("Database unavailable: %s", exc.orig)
        g._login_user = AnonymousUserMixin()  # the page must not ask the database who this is
        return try_again(
            _("We could not reach our database just now. Please try again in a moment.")
        )

    from civicmap.services.photos import StorageUnavailable

    @app.errorhandler(StorageUnavailable)
    def photos_unavailable(exc: StorageUnavailable):
        app.logger.warning("Photo storage unavailable: %s", exc.__cause__)
        return try_again(
            _("We could not reach where photos are kept just now. Please try again soon.")
        )

    def try_again(message: str):
        """A 503 for an outage of something the site needs: a person is asked to try again."""
        response = app.make_response(error_response(503, _("Please try again"), message))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("Unhandled error")
        # The failed transaction would make the error page's own queries fail too.
        _roll_back()
        return error_response(
            500, _("Something went wrong"), _("Sorry, that did not work. Please try again later.")
        )


def _roll_back() -> None:
    try:
        db.session.rollback()
    except DBAPIError:  # the connection itself is gone; the pool replaces it
        db.session.close()
        g._login_user = AnonymousUserMixin()
