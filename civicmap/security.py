"""Guards every request and answer passes: no NUL characters in, security headers out."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from flask import Response, current_app, request
from flask_babel import gettext as _

from civicmap.error_pages import error_response


def refuse_nul_characters():
    """PostgreSQL cannot store a NUL character: refuse it up front with a 400, not a 500."""
    values = [*request.args.values(), request.path]
    if request.method in ("POST", "PUT", "PATCH"):  # only these carry a form worth reading
        values += request.form.values()
    if any("\x00" in v for v in values):
        return error_response(
            400, _("Bad request"), _("The request contains a character that cannot be stored.")
        )
    return None


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
