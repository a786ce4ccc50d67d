"""The real worker (`flask worker`, procrastinate) in its own process, against committed data and
a real SMTP server: a write's mail arrives with nobody calling the jobs by hand, and a worker
killed in the middle of a digest run loses nothing and sends nothing twice once restarted."""

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from civicmap.config import TestConfig
from civicmap.extensions import db
from civicmap.models import Notification, User
from civicmap.services import accounts, mail
from tests.conftest import PASSWORD, ROOT

pytestmark = pytest.mark.usefixtures("clean_db")


@pytest.fixture(autouse=True)
def empty_queue(app):
    yield
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE procrastinate_jobs, mail_outbox CASCADE"))


def start_worker(app) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": TestConfig.SQLALCHEMY_DATABASE_URI,
        "MAIL_URL": app.config["MAIL_URL"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "FLASK_APP": "wsgi.py",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(worker: subprocess.Popen) -> str:
    """Stop the worker; what it logged."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    return worker.stderr.read()


def wait_for(condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_committed_sign_up_is_mailed_by_the_worker(app, inbox):
    worker = start_worker(app)
    try:
        with app.app_context():
            accounts.register(db.session, "dee@example.org", "Dee", PASSWORD)
            db.session.commit()
            db.session.remove()
        assert wait_for(lambda: inbox.to("dee@example.org")), worker.stderr
        (message,) = inbox.to("dee@example.org")
        assert message["Subject"] == "Confirm your email address for civicmap"
    finally:
        stop(worker)


def test_a_worker_killed_mid_digest_loses_nothing_and_sends_nothing_twice(app, inbox):
    people = 60
    with app.app_context():
        now = datetime.now(UTC)
        ids = db.session.scalars(
            sa.insert(User).returning(User.id),
            [
                {
                    "email": f"reader{n}@example.org",
                    "display_name": f"Reader {n}",
                    "password_hash": "x",
                    "email_confirmed_at": now,
                }
                for n in range(people)
            ],
        ).all()
        db.session.execute(
            sa.insert(Notification),
            [{"user_id": i, "event": "new_item", "email": "daily"} for i in ids],
        )
        db.session.commit()
        # 09:00 UTC tomorrow: past the digest hour in London, after the notifications.
        tomorrow_morning = (now + timedelta(days=1)).replace(hour=9, minute=0)
        assert mail.build_digests(db.session, tomorrow_morning) == people
        from civicmap import tasks

        tasks.defer(db.session, tasks.send_mail)
        db.session.commit()
        db.session.remove()

    worker = start_worker(app)

    def crash_at_twenty(received: int):
        # The 21st message: the worker dies before the server accepts it (no 250 reply).
        if received == 20:
            os.kill(worker.pid, signal.SIGKILL)
            return "451 4.3.0 Server going away"
        return None

    inbox.before_data = crash_at_twenty
    try:
        assert wait_for(lambda: worker.poll() is not None)
        assert len(inbox.messages) == 20
        inbox.before_data = None
        worker = start_worker(app)
        assert wait_for(lambda: len(inbox.messages) >= people), len(inbox.messages)
        time.sleep(0.5)  # nothing more may come
    finally:
        stop(worker)
    recipients = [m["To"] for m in inbox.messages]
    assert len(recipients) == people
    assert len(set(recipients)) == people
    with app.app_context():
        unsent = db.session.scalar(
            sa.text("SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL")
        )
        db.session.remove()
    assert unsent == 0


def test_the_worker_tells_a_wards_followers_and_mails_those_who_want_it_at_once(app, inbox):
    from civicmap.models import Follow
    from civicmap.services import notifications
    from tests.factories import ACRE_LANE, make_initiative

    with app.app_context():
        follower = User(
            email="fen@example.org",
            display_name="Fen",
            password_hash="x",
            email_confirmed_at=datetime.now(UTC),
            email_frequency="at_once",
        )
        db.session.add(follower)
        item = make_initiative(db.session, at=ACRE_LANE, title="Bike workshop")
        db.session.add(Follow(user_id=follower.id, target_kind="ward", target_id=item.ward_id))
        db.session.commit()
        notifications.tell(
            db.session, "new_item", None, item.id, followers_of=("ward", item.ward_id)
        )
        db.session.commit()
        db.session.remove()
    worker = start_worker(app)
    arrived = wait_for(lambda: inbox.to("fen@example.org"))
    log = stop(worker)
    assert arrived, log
    (message,) = inbox.to("fen@example.org")
    assert "New in a ward you follow: Bike workshop" in message.get_body(("plain",)).get_content()
