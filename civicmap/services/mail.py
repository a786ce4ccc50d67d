"""Mail: written to the outbox in the transaction that causes it, sent by the worker over SMTP.

- `write` puts one mail in the outbox and queues a send job in the same transaction.
- `queue_notices` turns "at once" notifications into one mail each; `build_digests` gathers a
  day's or a week's into one mail per person (nothing new: no mail).
- `send_pending` sends what is waiting, one row at a time under a row lock (SKIP LOCKED, so
  workers share the outbox), marking each sent in its own commit. The one window for a second
  copy is between the SMTP server's "250 accepted" and that commit (a crash there); the
  Message-ID is the outbox row's, so a receiving server can tell the copy for what it is.

SMTP settings come from MAIL_URL: smtp://host:port, smtp+starttls://user:pass@host:587 or
smtps://user:pass@host:465.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import smtplib
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from civicmap import clock
from civicmap.initiatives.urls import item_url
from civicmap.models import Mail, Notification, User
from civicmap.services import tokens

logger = logging.getLogger("civicmap.mail")
DIGEST_HOUR = 7  # local time (TIMEZONE) the daily digest goes out after
BULK = ("notice", "digest", "reminder")  # mail that carries List-Unsubscribe (RFC 8058)
SHOWN_IN_DIGEST = 50


class MailUnavailable(Exception):
    """The SMTP server could not take mail now (down, or a temporary refusal): retry later."""


# --- writing -----------------------------------------------------------------------------------


def write(session: Session, user: User, kind: str, key: str) -> None:
    """Put one mail in the outbox (once per key) and queue its sending with this transaction."""
    from civicmap import tasks

    session.connection().exec_driver_sql(
        "INSERT INTO mail_outbox (user_id, kind, dedupe_key) VALUES (%(user)s, %(kind)s, %(key)s)"
        " ON CONFLICT (dedupe_key) DO NOTHING",
        {"user": user.id, "kind": kind, "key": key},
    )
    tasks.defer(session, tasks.send_mail)


NOTICES = """
WITH due AS (
  SELECT id, user_id FROM notifications
  WHERE email = 'at_once' AND mail_id IS NULL
  ORDER BY id LIMIT 5000 FOR UPDATE SKIP LOCKED
), made AS (
  INSERT INTO mail_outbox (user_id, kind, dedupe_key)
  SELECT user_id, 'notice', 'notice:' || id FROM due
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING id, dedupe_key
)
UPDATE notifications n SET mail_id = made.id
FROM made WHERE made.dedupe_key = 'notice:' || n.id
"""


def queue_notices(session: Session) -> int:
    """One mail per notification of people who want to hear at once; how many were made."""
    return session.connection().exec_driver_sql(NOTICES).rowcount


DIGESTS = text("""
WITH due AS (
  SELECT DISTINCT user_id FROM notifications
  WHERE email = :period AND mail_id IS NULL AND created_at < :until
), made AS (
  INSERT INTO mail_outbox (user_id, kind, dedupe_key, payload)
  SELECT user_id, 'digest', 'digest:' || :period || ':' || :key || ':' || user_id,
         jsonb_build_object('period', CAST(:period AS text), 'key', CAST(:key AS text))
  FROM due
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING id, user_id
), carried AS (
  UPDATE notifications n SET mail_id = made.id
  FROM made
  WHERE n.user_id = made.user_id AND n.email = :period AND n.mail_id IS NULL
    AND n.created_at < :until
)
SELECT count(*) FROM made
""")


def digest_periods(now: datetime) -> list[tuple[str, str]]:
    """The digests due at `now`: (period, key) once it is past DIGEST_HOUR, local time."""
    local = clock.local(now)
    if local.hour < DIGEST_HOUR:
        return []
    due = [("daily", local.date().isoformat())]
    if local.weekday() == 0:
        year, week, _day = local.isocalendar()
        due.append(("weekly", f"{year}-W{week:02d}"))
    return due


def build_digests(session: Session, now: datetime) -> int:
    """Make the digests due at `now`, each person's once per period; how many mails were made.

    Everything that happened before `now` and has not gone by mail goes in: a person who chose
    the daily digest after an at-once week gets what is new, never what already went."""
    made = 0
    for period, key in digest_periods(now):
        made += session.execute(DIGESTS, {"period": period, "key": key, "until": now}).scalar_one()
    return made


REMINDERS = text("""
INSERT INTO mail_outbox (user_id, kind, dedupe_key, payload)
SELECT DISTINCT r.user_id, 'reminder',
       'reminder:' || p.id || ':' || r.user_id || ':' || extract(epoch FROM p.starts_at)::bigint,
       jsonb_build_object('proposal', p.id)
FROM proposals p
JOIN initiatives i ON i.id = p.initiative_id
JOIN LATERAL (
  SELECT v.user_id FROM volunteerings v WHERE v.proposal_id = p.id AND v.status = 'active'
  UNION SELECT p.author_id
) r ON true
JOIN users u ON u.id = r.user_id
WHERE p.starts_at > :now AND p.starts_at <= :now + make_interval(hours => :hours)
  AND p.status IN ('open', 'full') AND NOT p.hidden AND NOT i.hidden
  AND u.email_frequency <> 'never' AND u.email_confirmed_at IS NOT NULL
  AND u.email_undeliverable_at IS NULL AND u.deleted_at IS NULL
UNION ALL
-- Events: the people going and the organiser.
SELECT DISTINCT r.user_id, 'reminder',
       'reminder-event:' || e.id || ':' || r.user_id || ':'
         || extract(epoch FROM e.starts_at)::bigint,
       jsonb_build_object('event', e.id)
FROM initiatives e
JOIN LATERAL (
  SELECT g.user_id FROM rsvps g WHERE g.event_id = e.id AND g.status = 'going'
  UNION SELECT e.author_id
) r ON true
JOIN users u ON u.id = r.user_id
WHERE e.kind = 'event'
  AND e.starts_at > :now AND e.starts_at <= :now + make_interval(hours => :hours)
  AND e.status = 'scheduled' AND NOT e.hidden
  AND u.email_frequency <> 'never' AND u.email_confirmed_at IS NOT NULL
  AND u.email_undeliverable_at IS NULL AND u.deleted_at IS NULL
ON CONFLICT (dedupe_key) DO NOTHING
""")


def queue_reminders(session: Session, now: datetime) -> int:
    """A reminder to each volunteer and the proposer of what starts within REMIND_HOURS, and to
    each person going to an event and its organiser; once per person and start time (moved to
    another day, it is reminded again)."""
    return session.execute(
        REMINDERS, {"now": now, "hours": current_app.config["REMIND_HOURS"]}
    ).rowcount


def pending_count(session: Session, older_than_seconds: int = 0) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Mail)
        .where(
            Mail.sent_at.is_(None),
            Mail.gave_up_at.is_(None),
            Mail.created_at < func.now() - timedelta(seconds=older_than_seconds),
        )
    )


# --- sending -----------------------------------------------------------------------------------


def smtp_connection() -> smtplib.SMTP:
    url = urlsplit(current_app.config["MAIL_URL"])
    host, timeout = url.hostname or "127.0.0.1", current_app.config["MAIL_TIMEOUT"]
    try:
        if url.scheme == "smtps":
            smtp = smtplib.SMTP_SSL(host, url.port or 465, timeout=timeout)
        else:
            smtp = smtplib.SMTP(host, url.port or 25, timeout=timeout)
            if url.scheme == "smtp+starttls":
                smtp.starttls()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
    except (OSError, smtplib.SMTPException) as exc:
        raise MailUnavailable(f"SMTP server at {host}: {exc}") from exc
    return smtp


def _next_pending(session: Session) -> Mail | None:
    return session.scalar(
        select(Mail)
        .where(Mail.sent_at.is_(None), Mail.gave_up_at.is_(None))
        .order_by(Mail.id)
        .limit(1)
        .with_for_update(skip_locked=True, of=Mail)
        # Another worker may have sent it since this session last loaded it.
        .execution_options(populate_existing=True)
    )


def send_pending(session: Session, limit: int = 200) -> int:
    """Send up to `limit` waiting mails; how many went. MailUnavailable when the server is
    down or refuses for now (the job is retried; the mail waits in the outbox)."""
    sent = 0
    smtp = None
    try:
        while sent < limit:
            mail = _next_pending(session)
            if mail is None:
                break
            now = datetime.now(UTC)
            if not _may_send(mail):
                mail.gave_up_at, mail.last_error = now, "the address may not get mail"
                session.commit()
                continue
            message = compose(mail)
            if smtp is None:
                smtp = smtp_connection()
            mail.attempts += 1
            try:
                smtp.send_message(message)
            except smtplib.SMTPRecipientsRefused as exc:
                code, reason = next(iter(exc.recipients.values()))
                mail.last_error = f"{code} {reason!r}"[:500]
                if code >= 500:  # refused for good: no more mail to this address
                    mail.gave_up_at = now
                    mail.user.email_undeliverable_at = now
                    session.commit()
                    continue
                session.commit()
                raise MailUnavailable(mail.last_error) from exc
            except smtplib.SMTPDataError as exc:
                mail.last_error = f"{exc.smtp_code} {exc.smtp_error!r}"[:500]
                if exc.smtp_code >= 500:  # this message refused: the next may go
                    mail.gave_up_at = now
                    session.commit()
                    continue
                session.commit()
                raise MailUnavailable(mail.last_error) from exc
            except (OSError, smtplib.SMTPException) as exc:
                mail.last_error = str(exc)[:500]
                session.commit()
                raise MailUnavailable(mail.last_error) from exc
            mail.sent_at = now
            session.commit()
            sent += 1
    finally:
        if smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
    return sent


def _may_send(mail: Mail) -> bool:
    user = mail.user
    # Only the confirmation (or a reset, which confirms too) goes to an unconfirmed address.
    if mail.kind in ("confirm", "reset"):
        return not (user.deleted_at or user.email_undeliverable_at)
    return user.may_get_mail


# --- composing ---------------------------------------------------------------------------------


def compose(mail: Mail) -> EmailMessage:
    """The message for an outbox row: text and HTML, with the links and headers its kind needs."""
    user = mail.user
    base = current_app.config["BASE_URL"]
    # In the recipient's language (their account's choice; English if they never chose).
    with current_app.test_request_context("/", base_url=base), force_locale(user.locale or "en"):
        context = _context(mail, user)
        subject = context["subject"]
        body_text = render_template(f"mail/{mail.kind}.txt", **context)
        body_html = render_template(f"mail/{mail.kind}.html", **context)

    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = formataddr((user.display_name, user.email))
    sender_domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(mail.dedupe_key.encode()).hexdigest()[:12]
    message["Message-ID"] = f"<civicmap.{mail.id}.{digest}@{sender_domain}>"
    message["Auto-Submitted"] = "auto-generated"
    if mail.kind in BULK:
        message["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message["Precedence"] = "bulk"
    message.set_content(body_text)
    message.add_alternative(body_html, subtype="html")
    if mail.kind == "reminder":
        message.add_attachment(
            context["ics"], maintype="text", subtype="calendar", filename="civicmap.ics"
        )
    return message


def _context(mail: Mail, user: User) -> dict:
    site = current_app.config["SITE_NAME"]
    context = {"user": user, "site": site, "mail": mail}
    if mail.kind in BULK:
        context["unsubscribe_url"] = url_for(
            "notifications.unsubscribe", token=tokens.make("unsubscribe", user), _external=True
        )
        context["settings_url"] = url_for("notifications.email_settings", _external=True)
    if mail.kind == "confirm":
        context["subject"] = _("Confirm your email address for %(site)s", site=site)
        context["link"] = url_for(
            "auth.confirm", token=tokens.make("confirm", user), _external=True
        )
    elif mail.kind == "reset":
        context["subject"] = _("Choose a new password for %(site)s", site=site)
        context["link"] = url_for("auth.reset", token=tokens.make("reset", user), _external=True)
    elif mail.kind in ("notice", "digest"):
        notes = _notes_of(mail)
        context["notes"] = notes[:SHOWN_IN_DIGEST]
        context["more"] = max(0, len(notes) - SHOWN_IN_DIGEST)
        context["notifications_url"] = url_for("notifications.index", _external=True)
        if mail.kind == "notice":
            context["subject"] = _("%(site)s: something new for you", site=site)
        elif mail.payload.get("period") == "weekly":
            context["subject"] = _("%(site)s: your week (%(n)s new)", site=site, n=len(notes))
        else:
            context["subject"] = _("%(site)s: your day (%(n)s new)", site=site, n=len(notes))
    elif mail.kind == "reminder" and "event" in mail.payload:
        from civicmap.models import Initiative
        from civicmap.services import calendar

        event = Session.object_session(mail).get(Initiative, mail.payload["event"])
        context.update(
            event=event,
            link=item_url(event, _external=True),
            ics=calendar.one_event(event),
            subject=_(
                "Reminder: %(title)s, %(when)s",
                title=event.title,
                when=clock.local_time(event.starts_at),
            ),
        )
    elif mail.kind == "reminder":
        from civicmap.models import Initiative, Proposal
        from civicmap.services import calendar

        session = Session.object_session(mail)
        proposal = session.get(Proposal, mail.payload["proposal"])
        item = session.get(Initiative, proposal.initiative_id)
        context.update(
            proposal=proposal,
            item=item,
            link=f"{item_url(item, _external=True)}#proposal-{proposal.id}",
            ics=calendar.one(proposal, item),
            subject=_(
                "Reminder: %(title)s, %(when)s",
                title=item.title,
                when=clock.local_time(proposal.starts_at),
            ),
        )
    return context


def _notes_of(mail: Mail) -> list[Notification]:
    return list(
        Session.object_session(mail).scalars(
            select(Notification)
            .where(Notification.mail_id == mail.id)
            .order_by(Notification.created_at, Notification.id)
        )
    )
