"""Where requests go: the database-id URL converter, redirect targets that stay on this site,
and the log-in redirect for people who are not logged in."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from civicmap.error_pages import error_response, wants_json

MAX_ID = 2**31 - 1  # PostgreSQL's integer


class IdConverter(IntegerConverter):
    """A database id in a URL: 1 to 2**31 - 1; anything else is a 404."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_ID)


def is_database_id(text: str) -> bool:
    """True for the decimal text of a database id (ASCII digits: "²".isdigit() is true too)."""
    return bool(re.fullmatch(r"[0-9]{1,10}", text)) and 0 < int(text) <= MAX_ID


def safe_next(target: str | None, default: str = "/") -> str:
    """A redirect target inside this site only (no open redirects)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or target.startswith("//"):
        return default
    return target


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
