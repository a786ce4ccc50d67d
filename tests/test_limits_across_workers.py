"""Limits hold across gunicorn's workers: the counts live in a real Redis (started by the
project's tooling on its own port), not in each worker's memory, where two workers would let
through twice the limit."""

from __future__ import annotations

import re
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from civicmap import limits
from tests.conftest import TOKEN, gunicorn


@pytest.fixture
def two_workers(app, shared_redis):
    with gunicorn({"SECRET_KEY": "two-workers", "RATELIMIT_STORAGE_URI": shared_redis}) as (
        base,
        proc,
    ):
        workers = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True)
        assert len(workers.stdout.split()) == 2
        yield base


@pytest.fixture
def two_hosts(app, shared_redis, tmp_path, clean_db):
    """Two app instances, as on two hosts behind a proxy: the same secret, the same Redis for
    limits, the same database, the same photo storage; nothing else shared."""
    env = {
        "SECRET_KEY": "one-site-two-hosts",
        "RATELIMIT_STORAGE_URI": shared_redis,
        "CIVICMAP_UPLOADS_DIR": str(tmp_path / "shared-uploads"),
    }
    with gunicorn(env, workers=1) as (one, _), gunicorn(env, workers=1) as (other, _):
        yield one, other


def test_a_log_in_limit_holds_across_two_workers(two_workers):
    allowed = int(limits.LOGIN_PER_EMAIL.split()[0])
    sessions = [requests.Session() for _ in range(allowed + 1)]
    tokens = [TOKEN.search(s.get(f"{two_workers}/login", timeout=10).text)[1] for s in sessions]
    barrier = threading.Barrier(allowed)

    def attempt(n):
        barrier.wait()  # all at once: both workers take some
        return (
            sessions[n]
            .post(
                f"{two_workers}/login",
                data={"email": "target@example.org", "password": "wrong", "csrf_token": tokens[n]},
                timeout=30,
            )
            .status_code
        )

    with ThreadPoolExecutor(allowed) as pool:
        first = list(pool.map(attempt, range(allowed)))
    assert first == [422] * allowed
    last = sessions[-1].post(
        f"{two_workers}/login",
        data={"email": "target@example.org", "password": "wrong", "csrf_token": tokens[-1]},
        timeout=30,
    )
    assert last.status_code == 429


def test_two_hosts_behave_as_one(app, two_hosts):
    """A session and a CSRF token made on one host work on the other; a limit counts requests
    to both; a photo sent to one is served by the other."""
    import io

    from PIL import Image
    from werkzeug.security import generate_password_hash

    from civicmap.extensions import db
    from civicmap.geo import parse_point, to_db
    from civicmap.models import Project, User
    from tests.conftest import PASSWORD
    from tests.factories import ACRE_LANE

    one, other = two_hosts
    with app.app_context():
        ann = User(
            email="ann@example.org",
            display_name="Ann Two-Hosts",
            password_hash=generate_password_hash(PASSWORD),
        )
        db.session.add(ann)
        db.session.flush()
        project = Project(
            title="Shared garden",
            description="Dig with us.",
            category="environment",
            status="active",
            author_id=ann.id,
            location=to_db(parse_point(*ACRE_LANE)),
        )
        db.session.add(project)
        db.session.commit()
        project_id = project.id
        db.session.remove()

    browser = requests.Session()
    token = TOKEN.search(browser.get(f"{one}/login", timeout=10).text)[1]
    logged_in = browser.post(
        f"{one}/login",
        data={"email": "ann@example.org", "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=30,
    )
    assert logged_in.status_code == 302
    # The session cookie made by one host is good on the other.
    profile = browser.get(f"{other}/me/profile", allow_redirects=False, timeout=10)
    assert profile.status_code == 200 and 'value="Ann Two-Hosts"' in profile.text
    # A form shown by one host is accepted by the other.
    page = browser.get(f"{one}/projects/{project_id}", timeout=10).text
    token = TOKEN.search(page)[1]
    commented = browser.post(
        f"{other}/projects/{project_id}/comments",
        data={"body": "Sent through the other host", "csrf_token": token},
        allow_redirects=False,
        timeout=30,
    )
    assert commented.status_code == 302, commented.text[:300]
    assert "Sent through the other host" in browser.get(f"{one}/projects/{project_id}").text
    # A photo sent to one host is served by the other (shared storage).
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (10, 120, 60)).save(out, "JPEG")
    token = TOKEN.search(browser.get(f"{one}/projects/{project_id}", timeout=10).text)[1]
    sent = browser.post(
        f"{one}/projects/{project_id}/photos",
        data={"photo_alt": "The shared garden", "csrf_token": token},
        files={"photo": ("garden.jpg", out.getvalue(), "image/jpeg")},
        allow_redirects=False,
        timeout=30,
    )
    assert sent.status_code == 302, sent.text[:300]
    small = re.search(
        r'src="(/photos/small/[0-9a-f]{32}\.webp)"',
        browser.get(f"{one}/projects/{project_id}").text,
    )[1]
    served = requests.get(f"{other}{small}", timeout=10)
    assert served.status_code == 200 and served.headers["Content-Type"] == "image/webp"

    # Log-in attempts for one address, alternating hosts: the limit counts them all.
    allowed = int(limits.LOGIN_PER_EMAIL.split()[0])
    codes = []
    for n in range(allowed + 1):
        host = (one, other)[n % 2]
        guest = requests.Session()
        token = TOKEN.search(guest.get(f"{host}/login", timeout=10).text)[1]
        codes.append(
            guest.post(
                f"{host}/login",
                data={"email": "nobody@example.org", "password": "wrong", "csrf_token": token},
                timeout=30,
            ).status_code
        )
    assert codes == [422] * allowed + [429]
