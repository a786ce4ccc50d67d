"""The health of the service: is the database there, and what does it hold."""

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

logger = logging.getLogger("civicmap")


def check(session: Session) -> tuple[int, dict]:
    """(HTTP status, body): 200 with counts when the database answers, 503 with a reason if not."""
    try:
        version = session.execute(text("SELECT postgis_lib_version()")).scalar_one()
        row = (
            session.execute(
                text(
                    # Items and appreciations from the stored per-ward counts (visible items):
                    # counting the items table took ~150 ms per probe at a million rows.
                    # Only what the public pages show anyway: no hidden things, no accounts.
                    "SELECT (SELECT count(*) FROM wards) AS wards,"
                    " coalesce(sum(items) FILTER (WHERE kind = 'project'), 0)::bigint AS projects,"
                    " coalesce(sum(items) FILTER (WHERE kind = 'idea'), 0)::bigint AS ideas,"
                    " coalesce(sum(items) FILTER (WHERE kind = 'offer'), 0)::bigint AS offers,"
                    " coalesce(sum(appreciations), 0)::bigint AS appreciations"
                    " FROM ward_counts"
                )
            )
            .mappings()
            .one()
        )
    except SQLAlchemyError as exc:
        session.rollback()
        # The driver's text names hosts and ports: it goes to the log, not to the public.
        logger.warning("Health check: database unavailable: %s", getattr(exc, "orig", exc))
        return 503, {"status": "unavailable", "database": "unreachable"}
    return 200, {
        "status": "ok",
        "database": "ok",
        "postgis": version,
        "counts": dict(row),
    }
