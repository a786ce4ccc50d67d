"""Reads that scale out: with DATABASE_REPLICA_URL set (a PostgreSQL streaming replica), the
read-only parts of the site (map, list, API, OGC, feeds, exports) read from the replica while
everything that writes, and a person's reads right after their own write, use the primary.

A replica that is down, or behind by more than REPLICA_MAX_LAG seconds of the primary's WAL,
is not used: those reads go to the primary, without an error. Its state is probed at most every
REPLICA_PROBE_SECONDS per process (two small queries).
"""

from __future__ import annotations

import logging
import time

import sqlalchemy as sa
from flask import Flask, current_app, g, request

from civicmap.extensions import READ_ONLY_BLUEPRINTS

logger = logging.getLogger("civicmap")
WROTE_COOKIE = "cm_wrote"  # "this browser just wrote": read from the primary for a while
# The health check answers for the primary; everything else read-only may use the replica.
REPLICA_BLUEPRINTS = READ_ONLY_BLUEPRINTS - {"health"}


def init_app(app: Flask) -> None:
    url = app.config.get("DATABASE_REPLICA_URL")
    if not url:
        return
    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    connect_args = dict(options.get("connect_args", {}))
    connect_args.setdefault("connect_timeout", 2)  # a dead replica is found out quickly
    options["connect_args"] = connect_args
    app.extensions["civicmap_replica"] = {
        "engine": sa.create_engine(url, **options),
        "checked": 0.0,
        "usable": False,
    }
    app.before_request(route_reads)
    app.after_request(remember_writes)


def route_reads() -> None:
    if (
        request.method in ("GET", "HEAD")
        and request.blueprint in REPLICA_BLUEPRINTS
        and not request.cookies.get(WROTE_COOKIE)
        and replica_usable()
    ):
        g.replica_engine = current_app.extensions["civicmap_replica"]["engine"]


def remember_writes(response):
    """After a write, this browser reads from the primary until a replica surely has it."""
    if request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
        response.set_cookie(
            WROTE_COOKIE,
            "1",
            max_age=int(current_app.config["REPLICA_MAX_LAG"]) + 5,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


def replica_usable() -> bool:
    state = current_app.extensions["civicmap_replica"]
    now = time.monotonic()
    if now - state["checked"] >= current_app.config["REPLICA_PROBE_SECONDS"]:
        state["usable"] = _probe(state["engine"])
        state["checked"] = now
    return state["usable"]


PRIMARY_LSN = sa.text("SELECT pg_current_wal_lsn()")
REPLICA_STATE = sa.text(
    "SELECT pg_is_in_recovery(), pg_wal_lsn_diff(CAST(:primary AS pg_lsn),"
    " pg_last_wal_replay_lsn()), extract(epoch FROM now() - pg_last_xact_replay_timestamp())"
)


def _probe(replica: sa.Engine) -> bool:
    """Up, a replica, and either caught up with the primary's WAL or replaying a commit made
    less than REPLICA_MAX_LAG seconds ago."""
    from civicmap.extensions import db

    try:
        with db.engine.connect() as primary:
            lsn = primary.execute(PRIMARY_LSN).scalar_one()
        with replica.connect() as conn:
            recovering, behind, age = conn.execute(REPLICA_STATE, {"primary": lsn}).one()
    except sa.exc.DBAPIError as exc:
        logger.warning("Replica not used: %s", getattr(exc, "orig", exc))
        return False
    if not recovering:
        logger.warning("Replica not used: it is not in recovery (not a replica)")
        return False
    caught_up = behind is not None and behind <= 0
    recent = age is not None and age <= current_app.config["REPLICA_MAX_LAG"]
    return bool(caught_up or recent)
