"""Test fixtures: a real PostGIS database built by running the migrations, one transaction per test.

The test database (TEST_DATABASE_URL, by default `civicmap_test` on the project-local cluster
that `make test` starts) is dropped and rebuilt once per run, so the migrations are exercised
every time. Lambeth's wards are imported once; every test runs inside a transaction that is
rolled back, so tests never see each other's rows.
"""

from __future__ import annotations

import itertools
import os
import re
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
import requests
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.orm import scoped_session, sessionmaker
from werkzeug.serving import make_server

from civicmap import create_app
from civicmap.config import TestConfig
from civicmap.extensions import db
from civicmap.geo import read_area_features
from civicmap.services.areas import import_areas

ROOT = Path(__file__).resolve().parent.parent
WARDS_FILE = ROOT / "data" / "lambeth-wards-2022.geojson"
SHARED_DATA = ROOT.parent / "shared" / "data"


def admin_url(url: str, database: str = "postgres") -> sa.URL:
    return sa.make_url(url).set(database=database)


def recreate_database(url: str) -> None:
    """Drop and create the database named in `url`, through the server's `postgres` database."""
    name = sa.make_url(url).database
    engine = sa.create_engine(admin_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


@pytest.fixture(scope="session")
def app():
    recreate_database(TestConfig.SQLALCHEMY_DATABASE_URI)
    app = create_app(TestConfig)
    from civicmap import tasks

    tasks.use_app(app)  # jobs run in tests (run_jobs) use this app, as `flask worker` does
    with app.app_context():
        upgrade()
        import_areas(db.session, read_area_features(WARDS_FILE.read_text()))
        db.session.commit()
        db.session.remove()
    return app


class TestSession(scoped_session):
    """One session shared by the test and the requests it makes, ended by the test alone.

    Requests push their own app context (so `g`, CSRF tokens and logins stay per request), and
    Flask-SQLAlchemy removes the session when each one ends: here that is a no-op.
    """

    def remove(self) -> None:
        pass

    def end(self) -> None:
        super().remove()


@pytest.fixture
def session(app):
    """db.session, bound to a connection whose transaction is rolled back after the test.

    Commits inside the code under test release a savepoint instead of committing.
    """
    with app.app_context():
        connection = db.engine.connect()
    outer = connection.begin()
    original = db.session
    # A plain SQLAlchemy session: Flask-SQLAlchemy's own picks its engine per mapper and
    # would bypass this connection.
    db.session = TestSession(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
        scopefunc=lambda: "test",
    )
    try:
        yield db.session
    finally:
        db.session.end()
        db.session = original
        outer.rollback()
        connection.close()


@pytest.fixture
def client(app, session):
    return app.test_client()


@pytest.fixture
def cli(app, session):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def postcodes_file() -> Path:
    path = Path(os.environ.get("CIVICMAP_POSTCODES", SHARED_DATA / "lambeth-postcodes-2014.csv"))
    if not path.exists():
        pytest.fail(f"postcode file {path} is missing: it comes from ../shared/data")
    return path


PASSWORD = "a-long-Lambeth-passphrase"


class Visitor:
    """A person using the site through the test client; every POST carries a real CSRF token."""

    def __init__(self, client):
        self.client = client
        self._token = None

    def token(self) -> str:
        if self._token is None:
            page = self.client.get("/signup").get_data(as_text=True)
            self._token = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page)[1]
        return self._token

    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def post(self, url, data=None, csrf=True, **kw):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token())
        return self.client.post(url, data=data, **kw)

    def login(self, user, password=PASSWORD):
        response = self.post("/login", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        self._token = None  # a new session after log-in
        return self


@pytest.fixture
def visitor(app, session):
    return Visitor(app.test_client())


@pytest.fixture
def person(app, session):
    """Makes people with real password hashes who can log in: person(name='Ann')."""
    from civicmap.services import accounts

    count = itertools.count(1)

    def make(name=None, role="resident", **values):
        n = next(count)
        user = accounts.register(
            session, f"p{n}-{id(session)}@example.org", name or f"Person {n}", PASSWORD
        )
        user.role = role
        for key, value in values.items():
            setattr(user, key, value)
        session.commit()  # a released savepoint: survives a rollback in the code under test
        return user

    return make


@pytest.fixture
def as_person(app, session, person):
    """A logged-in Visitor for a new person: as_person(name='Ann') -> (visitor, user)."""

    def make(**values):
        user = person(**values)
        return Visitor(app.test_client()).login(user), user

    return make


# --- committed data, for a live server and for tools outside this process ---------------------

CONTENT_TABLES = (
    "messages, volunteerings, proposals, comments, appreciations, initiatives, users,"
    " procrastinate_jobs"
)


def empty_content_tables(app) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {CONTENT_TABLES} RESTART IDENTITY CASCADE"))


@pytest.fixture
def clean_db(app):
    """For tests that commit: the content tables are emptied afterwards (wards stay)."""
    yield
    empty_content_tables(app)


@pytest.fixture(scope="module")
def demo_data(app):
    """The demo, committed, for a module of read-only tests; emptied afterwards."""
    from civicmap.services import demo

    with app.app_context():
        demo.seed_demo(db.session)
        db.session.commit()
        db.session.remove()
    yield
    empty_content_tables(app)


@pytest.fixture(scope="session")
def live_server(app):
    """The app on a free loopback port, in a thread, for Chromium and GDAL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


# --- a real SMTP server (aiosmtpd) on loopback, for mail ---------------------------------------


class Inbox:
    """What an aiosmtpd server received. `refuse` maps an address to an SMTP reply for RCPT
    (e.g. "550 5.1.1 No such mailbox"); `before_data` runs before a message is accepted."""

    def __init__(self):
        self.messages: list = []
        self.refuse: dict[str, str] = {}
        self.before_data = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        if self.before_data is not None:
            refusal = self.before_data(len(self.messages))
            if refusal:
                return refusal
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]

    def clear(self) -> None:
        self.messages.clear()
        self.refuse.clear()
        self.before_data = None


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server(app):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{controller.port}"
    yield inbox, controller
    controller.stop()


@pytest.fixture
def inbox(smtp_server):
    box, _controller = smtp_server
    box.clear()
    yield box
    box.clear()


def run_jobs(session, *names: str) -> int:
    """Run the jobs named that were queued in this test's transaction, with the task's own
    code, as the worker would; then take them off the queue. How many ran."""
    from civicmap import tasks

    rows = session.execute(
        sa.text(
            "SELECT id, task_name, args FROM procrastinate_jobs"
            " WHERE status = 'todo' AND task_name = ANY(:names) ORDER BY id"
        ),
        {"names": list(names)},
    ).all()
    for job_id, name, args in rows:
        if name == "fan_out":
            tasks._fan_out(job_id, **args)
        else:
            tasks.queue.tasks[name](**args)
        session.execute(sa.text("DELETE FROM procrastinate_jobs WHERE id = :id"), {"id": job_id})
    return len(rows)


@pytest.fixture
def postcodes(session, postcodes_file):
    """Lambeth's postcode centroids, in this test's transaction."""
    from civicmap.services import areas

    with postcodes_file.open(encoding="utf-8", newline="") as lines:
        areas.import_postcodes(session, lines)
    session.commit()


# --- the app as in production: gunicorn processes on ports of their own, the project's Redis ---

TOKEN = re.compile(r'name="csrf_token"[^>]* value="([^"]+)"')  # a form's CSRF token, in a page
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:56379/15")


@pytest.fixture
def shared_redis():
    """The project's Redis, started if need be, emptied before and after the test."""
    port = str(sa.make_url(REDIS_URL.replace("redis://", "postgresql://")).port or 6379)
    subprocess.run(
        [str(ROOT / "tools" / "redis.sh"), "start"],
        env=os.environ | {"CIVICMAP_REDIS_PORT": port},
        check=True,
        capture_output=True,
    )
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    yield REDIS_URL
    store.flushdb()


@contextmanager
def gunicorn(env: dict, workers: int = 2):
    """A gunicorn instance as in production (gunicorn.conf.py) on a port of its own."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {
        "DATABASE_URL": TestConfig.SQLALCHEMY_DATABASE_URI,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": "4",
        "CIVICMAP_TILE_URL": "",
        **env,
    }
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--chdir",
            str(ROOT),
            "wsgi:app",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        yield base, proc
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
