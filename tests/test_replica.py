"""Reads that scale out to a real PostgreSQL streaming replica of the project's cluster
(`tools/pg.sh replica-start`: pg_basebackup -R, on its own port): the read-only parts read from
it, writes and a person's reads right after their own write go to the primary, and a replica
that lags or is down is left aside without an error."""

import os
import subprocess
import time

import psycopg
import pytest
import sqlalchemy as sa

from civicmap import create_app
from civicmap.config import TestConfig
from civicmap.extensions import db
from tests.conftest import ROOT
from tests.factories import ACRE_LANE, make_initiative

pytestmark = pytest.mark.usefixtures("clean_db")

PRIMARY = sa.make_url(TestConfig.SQLALCHEMY_DATABASE_URI)
REPLICA_PORT = PRIMARY.port + 100


def tool(command: str) -> None:
    env = {**os.environ, "CIVICMAP_PG_PORT": str(PRIMARY.port)}
    subprocess.run(["tools/pg.sh", command], cwd=ROOT, env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def replica(app):
    tool("replica-start")
    url = PRIMARY.set(port=REPLICA_PORT)
    yield url.render_as_string(hide_password=False)
    tool("replica-stop")


def libpq(url: str) -> str:
    return sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def site(replica_url: str, max_lag: float):
    class WithReplica(TestConfig):
        DATABASE_REPLICA_URL = replica_url
        REPLICA_MAX_LAG = max_lag
        REPLICA_PROBE_SECONDS = 0  # look at the replica on every request, for the test
        WTF_CSRF_ENABLED = False  # CSRF is tested elsewhere; here a write must just succeed

    return create_app(WithReplica)


def share(app, title: str) -> None:
    with app.app_context():
        make_initiative(db.session, at=ACRE_LANE, title=title)
        db.session.commit()
        db.session.remove()


def titles(client) -> set[str]:
    answer = client.get("/api/v1/projects", query_string={"limit": 100})
    assert answer.status_code == 200
    return {f["properties"]["title"] for f in answer.get_json()["features"]}


def wait_until(condition, seconds=15.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


def test_reads_go_to_the_replica_writes_and_fresh_writers_to_the_primary(app, replica):
    patient = site(replica, max_lag=3600)  # accepts a replica far behind: shows where reads go
    strict = site(replica, max_lag=0)  # accepts only a replica that has everything
    share(app, "Seen everywhere")
    wait_until(lambda: "Seen everywhere" in titles(patient.test_client()))

    with psycopg.connect(libpq(replica), autocommit=True) as standby:
        # The replica itself, not just the site: a read the site sent to the primary (while the
        # replica was judged behind) also passes the wait above.
        seen = "SELECT count(*) FROM initiatives WHERE title = 'Seen everywhere'"
        wait_until(lambda: standby.execute(seen).fetchone()[0] == 1)
        standby.execute("SELECT pg_wal_replay_pause()")
        try:
            share(app, "Only on the primary yet")
            reader = patient.test_client()
            assert titles(reader) == {"Seen everywhere"}  # read from the paused replica
            writer = patient.test_client()
            writer.set_cookie("cm_wrote", "1")  # a browser that has just written
            assert "Only on the primary yet" in titles(writer)
            assert "Only on the primary yet" in titles(strict.test_client())  # lag: primary
            # A write sets the cookie that sends this browser's next reads to the primary.
            wrote = patient.test_client().post("/language", data={"lang": "pl", "next": "/"})
            assert wrote.status_code == 302
            assert any(h.startswith("cm_wrote=1;") for h in wrote.headers.getlist("Set-Cookie"))
        finally:
            standby.execute("SELECT pg_wal_replay_resume()")
    wait_until(lambda: "Only on the primary yet" in titles(patient.test_client()))
    for engine in (patient, strict):
        engine.extensions["civicmap_replica"]["engine"].dispose()


def test_a_replica_that_is_down_is_left_aside_without_errors(app):
    nowhere = PRIMARY.set(port=9).render_as_string(hide_password=False)  # nothing listens
    share(app, "Still readable")
    client = site(nowhere, max_lag=5).test_client()
    assert "Still readable" in titles(client)
    assert (
        client.get(
            "/map/items.json", query_string={"bbox": "-0.15,51.44,-0.09,51.47", "zoom": 16}
        ).status_code
        == 200
    )
    assert client.get("/list").status_code == 200
