"""Background work on a task queue: procrastinate, on the PostgreSQL civicmap already has.

Why procrastinate: a job is deferred on the web request's own connection (`defer`), so it is
queued if and only if the write that caused it commits; periodic jobs, retries with back-off and
a worker heartbeat come with it; and it adds no server to run. The web never talks to SMTP: it
writes mail to the outbox (services/mail.py) and defers `send_mail`; the worker sends.

The worker is `flask worker` (`make run` starts one beside the web server). Jobs are plain
functions over the services, each in its own app context and database session.
"""

from __future__ import annotations

import functools
import logging
from datetime import UTC, datetime

import procrastinate
from asgiref.sync import sync_to_async
from flask import Flask
from sqlalchemy.orm import Session

from civicmap.extensions import db

logger = logging.getLogger("civicmap.tasks")

queue = procrastinate.App(connector=procrastinate.PsycopgConnector())
# A mail job that fails (SMTP down, a temporary refusal) runs again after 5, 25, 125 ... seconds,
# up to ~11 hours in all; nothing is lost meanwhile: the mail stays in the outbox.
MAIL_RETRY = procrastinate.RetryStrategy(max_attempts=9, exponential_wait=5)
SEND_BATCH = 200  # mails per job: a digest for 100,000 people is 500 jobs, shared by workers

_flask_app: Flask | None = None


def use_app(app: Flask) -> None:
    """The Flask app whose configuration and database the jobs use (`flask worker` sets it)."""
    global _flask_app
    _flask_app = app


def in_app(job):
    @functools.wraps(job)
    def run(*args, **kwargs):
        if _flask_app is None:
            raise RuntimeError("civicmap.tasks.use_app(app) was not called")
        with _flask_app.app_context():
            try:
                return job(*args, **kwargs)
            finally:
                db.session.remove()

    return run


# Deferring always uses the caller's connection (its transaction) through a sync manager: in
# the worker the app's connector is an async one, which cannot run on that connection.
_ON_CALLERS_CONNECTION = procrastinate.manager.JobManager(procrastinate.SyncPsycopgConnector())


def defer(session: Session, task, **kwargs) -> None:
    """Queue `task` in `session`'s transaction: it runs only if that transaction commits."""
    connection = session.connection().connection.driver_connection
    planned = task.configure(connection=connection)
    procrastinate.jobs.JobDeferrer(_ON_CALLERS_CONNECTION, planned.job, connection).defer(**kwargs)


@queue.task(
    name="fan_out",
    pass_context=True,
    retry=procrastinate.RetryStrategy(max_attempts=6, exponential_wait=2),
)
def fan_out(context: procrastinate.JobContext, **event) -> int:
    """Tell the followers of a ward or an item of an event (notifications.tell queues it)."""
    return _fan_out(context.job.id, **event)


@in_app
def _fan_out(job_id, event, actor_id, item_id, kind, target, skip) -> int:
    from civicmap.services import notifications

    written = notifications.fan_out(
        db.session, event, actor_id, item_id, (kind, target), skip=skip, job_id=job_id
    )
    db.session.commit()
    return written


@queue.task(name="send_mail", retry=MAIL_RETRY)
@in_app
def send_mail() -> int:
    from civicmap.services import mail

    return mail.send_pending(db.session, limit=SEND_BATCH)


@queue.task(name="mail_at_once", retry=MAIL_RETRY)
@in_app
def mail_at_once() -> int:
    from civicmap.services import mail

    mail.queue_notices(db.session)
    db.session.commit()
    return mail.send_pending(db.session, limit=SEND_BATCH)


@queue.periodic(cron="5 * * * *", periodic_id="digests")
@queue.task(name="digests", queueing_lock="digests")
@in_app
def digests(timestamp: int) -> int:
    """Every hour: the daily digest once it is past 07:00 in London, the weekly on Mondays;
    each period's digest is made once (its mails' dedupe keys), whichever hour builds it."""
    from civicmap.services import mail

    made = mail.build_digests(db.session, datetime.fromtimestamp(timestamp, UTC))
    db.session.commit()
    for _ in range(-(-made // SEND_BATCH)):
        defer(db.session, send_mail)
    db.session.commit()
    return made


@queue.periodic(cron="*/15 * * * *", periodic_id="reminders")
@queue.task(name="reminders", queueing_lock="reminders")
@in_app
def reminders(timestamp: int) -> int:
    """Every quarter of an hour: reminders of proposals starting within REMIND_HOURS."""
    from civicmap.services import mail

    made = mail.queue_reminders(db.session, datetime.fromtimestamp(timestamp, UTC))
    if made:
        defer(db.session, send_mail)
    db.session.commit()
    return made


@queue.periodic(cron="* * * * *", periodic_id="sweep")
@queue.task(name="sweep", queueing_lock="sweep", pass_context=True)
async def sweep(context: procrastinate.JobContext, timestamp: int) -> None:
    """Every minute: the jobs of a worker that died mid-run (no heartbeat for 30 s) run again,
    and mail left in the outbox (a defer that never came) is sent."""
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs():
        logger.warning("Job %s (%s) stalled with its worker: it runs again", job.id, job.task_name)
        await manager.retry_job(job)
    await sync_to_async(_sweep_outbox)()


@in_app
def _sweep_outbox(older_than_seconds: int = 60) -> None:
    from civicmap.services import mail

    if mail.pending_count(db.session, older_than_seconds=older_than_seconds):
        defer(db.session, send_mail)
        db.session.commit()


def resume_mail() -> None:
    """At a worker's start: mail a worker that stopped (or crashed) left unsent goes now,
    without waiting for its stalled job to be noticed."""
    _sweep_outbox(older_than_seconds=0)


@queue.periodic(cron="17 3 * * *", periodic_id="forget_old_jobs")
@queue.task(name="forget_old_jobs", queueing_lock="forget_old_jobs", pass_context=True)
async def forget_old_jobs(context: procrastinate.JobContext, timestamp: int) -> None:
    """Nightly: jobs that succeeded more than three days ago are deleted (each event that
    mails at once queues one, so the table would only grow); failed ones stay to be looked at."""
    await procrastinate.builtin_tasks.remove_old_jobs(context, max_hours=72)
