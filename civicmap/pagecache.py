"""Shared caching of the pages people land on (front page, wards, items), for people not logged
in, and conditional GET for them.

A page is kept under a key made of what it was rendered from: the database's current snapshot
(`pg_current_snapshot()`: it changes the moment any transaction that writes starts or ends, so
a new or hidden item is on the next page served, with no version row for writers to queue on),
the language, the host and the full path. Kept pages also expire after CACHE_DEFAULT_TIMEOUT
seconds, so what depends on the clock alone ("coming up", "took place") moves on too.

The one per-visitor part of such a page is its CSRF token (every page has the language form):
it is kept as a placeholder and each visitor gets their own token on the way out, so forms on a
kept page work for whoever reads it. Pages with a message waiting for the visitor (a flash), and
every page for a logged-in person, are rendered as before.

The store is Flask-Caching: in-process by default, Redis with CIVICMAP_CACHE_URL (so two hosts
share it). A store that is down costs speed, never the page.
"""

from __future__ import annotations

import hashlib
import logging
from functools import wraps

from flask import current_app, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from redis.exceptions import RedisError
from sqlalchemy import text

from civicmap.extensions import cache, db

logger = logging.getLogger("civicmap")
SNAPSHOT = text("SELECT pg_current_snapshot()::text")
# PostgreSQL cannot store a NUL and requests carrying one are refused, so no user text can
# forge the placeholder.
CSRF_HOLE = "\x00csrf\x00"
HEADER = "X-Civicmap-Cache"  # "hit" or "miss": for operators and the tests


def shared_page(view):
    """Serve this GET view from the shared cache for people not logged in."""

    @wraps(view)
    def cached_view(*args, **kwargs):
        if not _may_share():
            return view(*args, **kwargs)
        key = _key(db.session.scalar(SNAPSHOT))
        kept = _load(key)
        if kept is None:
            response = make_response(view(*args, **kwargs))
            if _may_keep(response):
                kept = _keepable(response)
                _store(key, kept)
                state = "miss"
            else:
                return response
        else:
            response = current_app.response_class(
                kept["body"], status=kept["status"], headers=kept["headers"]
            )
            state = "hit"
        body = kept["body"]
        if CSRF_HOLE in body:
            body = body.replace(CSRF_HOLE, generate_csrf())
        response.set_data(body)
        response.headers[HEADER] = state
        # Browsers may keep the page but must ask each time; a 304 only while neither the data
        # nor their CSRF token (in their session) changed.
        response.headers["Cache-Control"] = "no-cache"
        response.set_etag(_etag(key, session.get("csrf_token", "")), weak=True)
        return response.make_conditional(request)

    return cached_view


def _may_share() -> bool:
    return (
        request.method in ("GET", "HEAD")
        and current_app.config["PAGE_CACHE"]
        and not current_user.is_authenticated
        and not session.get("_flashes")
    )


def _may_keep(response) -> bool:
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and "Set-Cookie" not in response.headers
    )


def _keepable(response) -> dict:
    body = response.get_data(as_text=True)
    token = g.get("csrf_token")
    if token:
        body = body.replace(token, CSRF_HOLE)
    headers = [(k, v) for k, v in response.headers.items() if k not in ("Content-Length",)]
    return {"status": response.status_code, "headers": headers, "body": body}


def _key(snapshot: str) -> str:
    parts = (snapshot, str(get_locale()), request.host_url, request.full_path)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _etag(key: str, csrf_secret: str) -> str:
    return hashlib.sha256(f"{key}\n{csrf_secret}".encode()).hexdigest()[:32]


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
