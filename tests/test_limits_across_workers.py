"""Limits hold across gunicorn's workers: the counts live in a real Redis (started by the
project's tooling on its own port), not in each worker's memory, where two workers would let
through twice the limit."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests
import sqlalchemy as sa

from civicmap import limits
from civicmap.config import TestConfig
from tests.conftest import ROOT

TOKEN = re.compile(r'name="csrf_token"[^>]* value="([^"]+)"')
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:56379/15")


@pytest.fixture
def shared_limits():
    """The project's Redis, started if need be, with the test's counts emptied."""
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


@pytest.fixture
def two_workers(app, shared_limits):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {
        "DATABASE_URL": TestConfig.SQLALCHEMY_DATABASE_URI,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "4",
        "SECRET_KEY": "two-workers",
        "RATELIMIT_STORAGE_URI": shared_limits,
        "CIVICMAP_TILE_URL": "",
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
        workers = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True)
        assert len(workers.stdout.split()) == 2
        yield base
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


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
