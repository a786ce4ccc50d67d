"""Shared caching of the pages people land on (front page, list, wards, items), and
conditional GET for them.

A page is kept under a key made of what it was rendered from: the database's current snapshot
(`pg_current_snapshot()`: it changes the moment any transaction that writes starts or ends, so
a new or hidden item is on the next page served, with no version row for writers to queue on),
the language, the host and the full path. Kept pages also expire after CACHE_DEFAULT_TIMEOUT
seconds, so what depends on the clock alone ("coming up", "took place") moves on too.

A kept page is rendered for nobody in particular: its templates see a reader who is not logged
in, and what differs by reader comes through `personal(template, **context)` (the account links
in the header, a ward's follow button), kept as a placeholder and rendered for each reader on the
way out, as is each reader's own CSRF token. Pages whose view itself reads the person (an item
page shows its author what others cannot see) are kept for people not logged in only. A page
with a message waiting for its reader (a flash) is rendered as before.

The store is Flask-Caching: in-process by default, Redis with CIVICMAP_CACHE_URL (so two hosts
share it). A store that is down costs speed, never the page.
"""

from __future__ import annotations

import hashlib
import logging
from functools import wraps

import psycopg
from flask import current_app, g, make_response, render_template, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from redis.exceptions import RedisError
from sqlalchemy.exc import OperationalError

from civicmap.extensions import cache, db, login_manager

logger = logging.getLogger("civicmap")
SNAPSHOT_SQL = "SELECT pg_current_snapshot()::text"
# PostgreSQL cannot store a NUL and requests carrying one are refused, so no user text can
# forge the placeholder.
CSRF_HOLE = "\x00csrf\x00"
PART = "\x00part{}\x00"
HEADER = "X-Civicmap-Cache"  # "hit" or "miss": for operators and the tests


def shared_page(everyone: bool = False):
    """Serve this GET view from the shared cache: for people not logged in, or, where the view
    reads nothing of the person (only its templates' personal() parts do), for `everyone`."""

    def decorate(view):
        @wraps(view)
        def cached_view(*args, **kwargs):
            if not _may_share(everyone):
                return view(*args, **kwargs)
            key = _key(_snapshot())
            kept = _load(key)
            state = "hit"
            if kept is None:
                g.shared_parts = []
                try:
                    response = make_response(view(*args, **kwargs))
                finally:
                    parts = g.pop("shared_parts")
                if not _may_keep(response):
                    return _fill_parts(response, parts)
                kept = _keepable(response, parts)
                _store(key, kept)
                state = "miss"
            response = current_app.response_class(status=kept["status"], headers=kept["headers"])
            _fill(response, kept)  # the body, for this reader
            response.headers[HEADER] = state
            # Browsers may keep the page but must ask each time; a 304 only while neither the
            # data, their CSRF token (in their session) nor who is logged in changed.
            response.headers["Cache-Control"] = "no-cache"
            reader = current_user.get_id() if current_user.is_authenticated else ""
            response.set_etag(_etag(key, session.get("csrf_token", ""), reader), weak=True)
            return response.make_conditional(request)

        return cached_view

    return decorate


def _snapshot() -> str:
    """The snapshot of the database this request's session reads (the replica, where it was
    routed there), in one round trip: autocommit, so no BEGIN and no ROLLBACK around it
    (through SQLAlchemy's Connection it took three, and 4.4 rather than 1.6 ms a kept page).
    A database that is down is the usual outage: a 503 "try again"."""
    try:
        connection = db.session.get_bind().raw_connection()
    except psycopg.Error as exc:
        raise OperationalError(SNAPSHOT_SQL, None, exc) from exc
    try:
        driver = connection.driver_connection
        driver.autocommit = True
        snapshot = driver.execute(SNAPSHOT_SQL).fetchone()[0]
        driver.autocommit = False
        return snapshot
    except psycopg.Error as exc:
        connection.invalidate()  # a connection the server dropped is not given out again
        raise OperationalError(SNAPSHOT_SQL, None, exc) from exc
    finally:
        connection.close()  # back to the pool


def personal(template: str, **context) -> Markup:
    """A part of a page rendered for its reader: in a page being kept, a placeholder the
    reader's own rendering replaces each time the page is served."""
    parts = g.get("shared_parts")
    if parts is None:
        return Markup(render_template(template, **context))  # noqa: S704 - a rendered template
    parts.append((template, context))
    return Markup(PART.format(len(parts) - 1))  # noqa: S704 - our own placeholder


def reader_context() -> dict:
    """While a page is rendered to be kept, its templates see nobody logged in (registered
    after Flask-Login's context processor, so this one wins)."""
    if g.get("shared_parts") is not None or g.get("as_nobody"):
        return {"current_user": login_manager.anonymous_user()}
    return {}


def _render_parts(body: str, parts: list) -> str:
    for n, (template, context) in enumerate(parts):
        body = body.replace(PART.format(n), render_template(template, **context))
    return body


def _fill(response, kept: dict) -> None:
    # Most readers are not logged in: their parts were rendered once, when the page was kept.
    if current_user.is_authenticated:
        body = _render_parts(kept["body"], kept["parts"])
    else:
        body = kept["for_nobody"]
    if CSRF_HOLE in body:
        body = body.replace(CSRF_HOLE, generate_csrf())
    response.set_data(body)


def _fill_parts(response, parts: list) -> object:
    """A page not kept (an error, a redirect): its personal parts rendered in place."""
    if parts and response.mimetype == "text/html" and not response.direct_passthrough:
        response.set_data(_render_parts(response.get_data(as_text=True), parts))
    return response


def _may_share(everyone: bool) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and current_app.config["PAGE_CACHE"]
        and (everyone or not current_user.is_authenticated)
        and not session.get("_flashes")
    )


def _may_keep(response) -> bool:
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and "Set-Cookie" not in response.headers
    )


def _keepable(response, parts: list) -> dict:
    body = response.get_data(as_text=True)
    g.as_nobody = True
    try:
        for_nobody = _render_parts(body, parts)
    finally:
        g.as_nobody = False
    token = g.get("csrf_token")
    if token:
        body, for_nobody = body.replace(token, CSRF_HOLE), for_nobody.replace(token, CSRF_HOLE)
    headers = [(k, v) for k, v in response.headers.items() if k != "Content-Length"]
    return {
        "status": response.status_code,
        "headers": headers,
        "body": body,
        "parts": parts,
        "for_nobody": for_nobody,
    }


def _key(snapshot: str) -> str:
    parts = (snapshot, str(get_locale()), request.host_url, request.full_path)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _etag(key: str, csrf_secret: str, reader: str) -> str:
    return hashlib.sha256(f"{key}\n{csrf_secret}\n{reader}".encode()).hexdigest()[:32]


def _load(key: str) -> dict | None:
    try:
        return cache.get(key)
    except (RedisError, OSError) as exc:
        logger.warning("page cache unavailable: %s", exc)
        return None


def _store(key: str, kept: dict) -> None:
    try:
        cache.set(key, kept)
    except (RedisError, OSError) as exc:
        logger.warning("page cache unavailable: %s", exc)
