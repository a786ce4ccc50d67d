"""The JSON API under /api/v1: read-only open data, documented by an OpenAPI 3.1 document
generated from the code that parses its queries and the models of its answers."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from civicmap.api import docs, items, proposals, wards  # noqa: E402,F401 - registers routes
