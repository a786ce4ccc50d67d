"""GET /healthz for load balancers and people on call."""

from flask import Blueprint, jsonify

from civicmap.extensions import db
from civicmap.services import health

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    status, body = health.check(db.session)
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
