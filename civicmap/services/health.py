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
                    "SELECT (SELECT count(*) FROM wards) AS wards,"
                    " count(*) FILTER (WHERE kind = 'project') AS projects,"
                    " count(*) FILTER (WHERE kind = 'idea') AS ideas,"
                    " count(*) FILTER (WHERE kind = 'offer') AS offers,"
                    " (SELECT count(*) FROM proposals) AS proposals,"
                    " (SELECT count(*) FROM volunteerings WHERE status = 'active')"
                    " AS volunteerings,"
                    " (SELECT count(*) FROM appreciations) AS appreciations,"
                    " (SELECT count(*) FROM comments) AS comments,"
                    " (SELECT count(*) FROM users) AS users"
                    " FROM initiatives"
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
