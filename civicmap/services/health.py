"""The health of the service: is the database there, and what does it hold."""

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

logger = logging.getLogger("civicmap")


# A job due (or a mail written) this long ago and not yet done means no worker is keeping up.
BACKED_UP_SECONDS = 300

QUEUE = text(
    "SELECT"
    " (SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'"
    "  AND coalesce(scheduled_at, now()) <= now()) AS jobs_waiting,"
    " (SELECT floor(extract(epoch FROM now() - min(coalesce(scheduled_at, e.at))))::int"
    "  FROM procrastinate_jobs j LEFT JOIN LATERAL (SELECT min(at) AS at FROM procrastinate_events"
    "  WHERE job_id = j.id) e ON true"
    "  WHERE j.status = 'todo' AND coalesce(j.scheduled_at, now()) <= now())"
    " AS oldest_job_seconds,"
    " (SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL AND gave_up_at IS NULL)"
    " AS mail_waiting,"
    " (SELECT floor(extract(epoch FROM now() - min(created_at)))::int FROM mail_outbox"
    "  WHERE sent_at IS NULL AND gave_up_at IS NULL) AS oldest_mail_seconds,"
    " (SELECT count(*) FROM procrastinate_jobs WHERE status = 'failed') AS jobs_failed"
)


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
        queue = session.execute(QUEUE).mappings().one()
    except SQLAlchemyError as exc:
        session.rollback()
        # The driver's text names hosts and ports: it goes to the log, not to the public.
        logger.warning("Health check: database unavailable: %s", getattr(exc, "orig", exc))
        return 503, {"status": "unavailable", "database": "unreachable"}
    backed_up = (queue["oldest_job_seconds"] or 0) > BACKED_UP_SECONDS or (
        queue["oldest_mail_seconds"] or 0
    ) > BACKED_UP_SECONDS
    return 200, {
        "status": "ok",
        "database": "ok",
        "postgis": version,
        "counts": dict(row),
        # The web answers whatever the worker does; this says whether mail is going out.
        "queue": {
            "state": "backed up" if backed_up else "ok",
            "jobs_waiting": queue["jobs_waiting"],
            "oldest_job_seconds": queue["oldest_job_seconds"],
            "mail_waiting": queue["mail_waiting"],
            "oldest_mail_seconds": queue["oldest_mail_seconds"],
            "jobs_failed": queue["jobs_failed"],
        },
    }
