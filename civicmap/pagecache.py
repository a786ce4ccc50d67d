"""Shared caching of the pages people land on (front page, list, wards, items), and
conditional GET for them.

A page is kept under a key made of what it was rendered from: the database's current snapshot
(`pg_current_snapshot()`: it changes the moment any transaction that wrote ends, so a new or
hidden item is on the next page served, with no version row for writers to queue on), the
language, the host and the full path. Kept pages also expire after CACHE_DEFAULT_TIMEOUT
seconds, so what depends on the clock alone ("coming up", "took place") moves on too.

A kept page is rendered for nobody in particular: its templates see a reader who is not logged
in, and what differs by reader comes through `personal(template, **context)` (the account links
in the header, follow buttons, an item's forms and its author's tools), kept as a placeholder
and rendered for each reader on the way out, as is each reader's own CSRF token. Markup the
same for all who see it (an empty form) is made once with the page (`keep_section`) for the
parts to show; a small part whose key says all it shows of its reader (`part_key`) is made once
for all readers with the same answer. The logged-in reader's own row and what every page
shows them of their own are kept by the same snapshot (`load_reader`), so a kept page costs them
no query of their own. A view that makes a page for its reader alone (a hidden item, which only
moderators see) says so with `not_shared()`. A page with a message waiting for its reader (a
flash) is rendered as before.

The store is Flask-Caching: in-process by default, Redis with CIVICMAP_CACHE_URL (so two hosts
share it). A store that is down costs speed, never the page.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Hashable
from functools import wraps

from flask import current_app, g, make_response, render_template, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from redis.exceptions import RedisError
from sqlalchemy.orm import make_transient_to_detached

from civicmap.extensions import cache, db, login_manager, read_now
from civicmap.models import User

logger = logging.getLogger("civicmap")
SNAPSHOT_SQL = "SELECT pg_current_snapshot()::text"
# PostgreSQL cannot store a NUL and requests carrying one are refused, so no user text can
# forge the placeholder.
CSRF_HOLE = "\x00csrf\x00"
PART = "\x00part{}\x00"
PARTS = re.compile("\x00part([0-9]+)\x00")
# What a kept reader carries: everything of their row but the password hash (which a page never
# needs; it is read from the database if anything asks).
READER_COLUMNS = [c for c in User.__mapper__.column_attrs if c.key != "password_hash"]
HEADER = "X-Civicmap-Cache"  # "hit" or "miss": for operators and the tests
# Personal parts that show of their reader only what a key says (`part_key`): made once per
# key, context, language and path in each process, and reused for every reader with that key.
PART_KEYS: dict[str, Callable[[dict], Hashable]] = {}
_made: dict = {}
MADE_MAX = 10_000


def shared_page(view):
    """Serve this GET view from the shared cache. The view reads nothing of the person (what
    differs by reader is in its templates' personal() parts), or says `not_shared()`."""

    @wraps(view)
    def cached_view(*args, **kwargs):
        if not _may_share():
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

    cached_view.shared_page = True
    return cached_view


def load_reader(user_id: int, load):
    """The logged-in reader of a kept page, as of the snapshot the page is kept under: their
    row (but its password hash) and what every page shows them of their own (their unread
    count, the wards they follow), kept like a page, so a kept page costs them no query (the
    snapshot changes with any write, a log-out or a suspension included).
    `load(session, user_id)` reads them where none are kept: the user, and a dict of the rest
    for `g`. Other requests read the row alone, as they may change the rest before they show it."""
    if not _is_shared_page():
        return db.session.get(User, user_id)
    key = _reader_key(_snapshot(), user_id)
    kept = _load(key)
    if kept is None:
        user, own = load(db.session, user_id)
        if user is not None:
            columns = {c.key: getattr(user, c.key) for c in READER_COLUMNS}
            _store(key, {"columns": columns, "own": own})
    else:
        user = User(**kept["columns"])
        make_transient_to_detached(user)  # as if just read: not new, nothing changed
        user = db.session.merge(user, load=False)
        own = kept["own"]
    for name, value in own.items():
        setattr(g, name, value)
    return user


def _is_shared_page() -> bool:
    view = current_app.view_functions.get(request.endpoint)
    return getattr(view, "shared_page", False) and _may_share()


def _snapshot() -> str:
    """The snapshot of the database this request's session reads (the replica, where it was
    routed there), once a request, in one round trip: autocommit, so no BEGIN and no ROLLBACK
    around it (through SQLAlchemy's Connection it took three, and 4.4 rather than 1.6 ms a
    kept page). A database that is down is the usual outage: a 503 "try again"."""
    if "snapshot" not in g:
        g.snapshot = read_now(db.session, SNAPSHOT_SQL)[0]
    return g.snapshot


def personal(template: str, **context) -> Markup:
    """A part of a page rendered for its reader: in a page being kept, a placeholder the
    reader's own rendering replaces each time the page is served."""
    parts = g.get("shared_parts")
    if parts is None:
        return Markup(render_template(template, **context))  # noqa: S704 - a rendered template
    parts.append((template, context))
    return Markup(PART.format(len(parts) - 1))  # noqa: S704 - our own placeholder


def part_key(template: str):
    """Register what a personal part shows of its reader (a function of the part's context,
    read as the part is served): readers with the same answer get the same markup, made once
    (a page's report links, one per comment, are then a lookup each, not a render each). The
    key must say everything the template reads of the reader; their CSRF token is put in for
    each."""

    def register(key_of: Callable[[dict], Hashable]):
        PART_KEYS[template] = key_of
        return key_of

    return register


def keep_section(name: str, caller) -> Markup:
    """`{% call keep_section(name) %}…{% endcall %}`: markup the same for every reader that some
    readers are shown (an empty form), made once with the page and kept with it, for a
    personal part to show with `section(name)` (so a part costs a few bytes, not a form's
    rendering, each time it is served). It shows nothing where it is called."""
    g.setdefault("sections", {})[name] = str(caller())
    return Markup("")


def section(name: str) -> Markup:
    return Markup(g.get("sections", {}).get(name, ""))  # noqa: S704 - rendered by us


def reader_context() -> dict:
    """While a page is rendered to be kept, its templates see nobody logged in (registered
    after Flask-Login's context processor, so this one wins)."""
    if g.get("shared_parts") is not None or g.get("as_nobody"):
        return {"current_user": login_manager.anonymous_user()}
    return {}


def not_shared() -> None:
    """This page is for its reader alone (a hidden item its moderator reads): not kept."""
    g.not_shared = True


def _render_parts(body: str, parts: list, reuse: bool = False) -> str:
    if not parts:
        return body
    # One template context for all the parts (an item page has one per comment, each a
    # report link): the context processors run once, not once a part.
    app = current_app._get_current_object()
    shared: dict = {}
    app.update_template_context(shared)

    def render(template: str, context: dict) -> str:
        return app.jinja_env.get_template(template).render({**shared, **context})

    made = _made_for_reader(render) if reuse else render
    rendered = [made(template, context) for template, context in parts]
    return PARTS.sub(lambda found: rendered[int(found[1])], body)


def _made_for_reader(render):
    """`render`, reusing a part's markup made for an earlier reader with the same key."""
    # As the page's own key: its language and full path (a part may link back to either).
    where = (str(get_locale()), request.script_root, request.full_path)

    def made(template: str, context: dict) -> str:
        key_of = PART_KEYS.get(template)
        if key_of is None:
            return render(template, context)
        key = (template, key_of(context), tuple(context.items()), where)
        try:
            html = _made.get(key)
        except TypeError:  # a context value that cannot be a key: made for this reader alone
            return render(template, context)
        if html is None:
            html = render(template, context)
            token = g.get("csrf_token")
            if len(_made) >= MADE_MAX:
                _made.clear()
            _made[key] = html.replace(token, CSRF_HOLE) if token else html
        return html  # its CSRF hole is filled with the rest of the page's

    return made


def _fill(response, kept: dict) -> None:
    # Most readers are not logged in: their parts were rendered once, when the page was kept.
    if current_user.is_authenticated:
        g.sections = kept["sections"]
        body = _render_parts(kept["body"], kept["parts"], reuse=True)
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


def _may_share() -> bool:
    return (
        request.method in ("GET", "HEAD")
        and current_app.config["PAGE_CACHE"]
        and not session.get("_flashes")
    )


def _may_keep(response) -> bool:
    return (
        response.status_code == 200
        and not g.get("not_shared")
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
    sections = g.get("sections", {})
    token = g.get("csrf_token")
    if token:
        body, for_nobody = body.replace(token, CSRF_HOLE), for_nobody.replace(token, CSRF_HOLE)
        sections = {name: html.replace(token, CSRF_HOLE) for name, html in sections.items()}
    headers = [(k, v) for k, v in response.headers.items() if k != "Content-Length"]
    return {
        "status": response.status_code,
        "headers": headers,
        "body": body,
        "parts": parts,
        "for_nobody": for_nobody,
        "sections": sections,
    }


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _key(snapshot: str) -> str:
    return _digest(snapshot, str(get_locale()), request.host_url, request.full_path)


def _reader_key(snapshot: str, user_id: int) -> str:
    return _digest(snapshot, "reader", request.host_url, str(user_id))


def _etag(key: str, csrf_secret: str, reader: str) -> str:
    return _digest(key, csrf_secret, reader)[:32]


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
