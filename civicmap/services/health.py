"""The health of the service: is the database there, and what does it hold."""

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session


def check(session: Session) -> tuple[int, dict]:
    """(HTTP status, body): 200 with counts when the database answers, 503 with a reason if not."""
    try:
        version = session.execute(text("SELECT postgis_lib_version()")).scalar_one()
        row = (
            session.execute(
                text(
                    # Items and appreciations from the stored per-ward counts (visible items):
                    # counting the items table took ~150 ms per probe at a million rows.
                    "SELECT (SELECT count(*) FROM wards) AS wards,"
                    " coalesce(sum(items) FILTER (WHERE kind = 'project'), 0)::bigint AS projects,"
                    " coalesce(sum(items) FILTER (WHERE kind = 'idea'), 0)::bigint AS ideas,"
                    " coalesce(sum(items) FILTER (WHERE kind = 'offer'), 0)::bigint AS offers,"
                    " (SELECT count(*) FROM proposals) AS proposals,"
                    " (SELECT count(*) FROM volunteerings WHERE status = 'active')"
                    " AS volunteerings,"
                    " coalesce(sum(appreciations), 0)::bigint AS appreciations,"
                    " (SELECT count(*) FROM comments) AS comments,"
                    " (SELECT count(*) FROM users) AS users"
                    " FROM ward_counts"
                )
            )
            .mappings()
            .one()
        )
    except SQLAlchemyError as exc:
        session.rollback()
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:300]
        return 503, {"status": "unavailable", "database": "unreachable", "reason": reason}
    return 200, {
        "status": "ok",
        "database": "ok",
        "postgis": version,
        "counts": dict(row),
    }
