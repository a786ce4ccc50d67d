"""GET /healthz: up with public counts, 503 when the database is unreachable; it discloses
nothing the public pages do not (no hidden things, no accounts, no hosts or ports)."""

import sqlalchemy as sa

from civicmap import create_app
from civicmap.config import TestConfig
from civicmap.extensions import db
from tests.factories import hide, make_initiative


def test_healthz_reports_postgis_and_counts(client, session):
    make_initiative(session, kind="idea")
    hidden = make_initiative(session, kind="project")
    hide(session, hidden)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["postgis"].startswith("3.")
    assert body["counts"]["wards"] == 25
    assert body["counts"]["ideas"] == 1
    assert body["counts"]["projects"] == 0
    assert set(body["counts"]) == {"wards", "projects", "ideas", "offers", "appreciations"}


def test_healthz_answers_503_when_the_database_is_unreachable():
    class Unreachable(TestConfig):
        # Nothing listens on port 1: the connection is refused at once.
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://postgres@127.0.0.1:1/civicmap"
        SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"connect_timeout": 2}}

    app = create_app(Unreachable)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body == {"status": "unavailable", "database": "unreachable"}
    assert "127.0.0.1" not in response.get_data(as_text=True)


def test_a_dropped_database_connection_answers_503_once_then_reconnects():
    """Without a ping before each checkout, a pooled connection the database has closed is found
    on use: that request gets a clear 503 to try again, and the next one reconnects."""
    name = "civicmap-dropped-connection-test"

    class Own(TestConfig):
        SQLALCHEMY_ENGINE_OPTIONS = {
            **TestConfig.SQLALCHEMY_ENGINE_OPTIONS,
            "connect_args": {
                **TestConfig.SQLALCHEMY_ENGINE_OPTIONS["connect_args"],
                "application_name": name,
            },
        }

    app = create_app(Own)
    client = app.test_client()
    view = "/map/items.json?bbox=-0.15,51.44,-0.09,51.47&zoom=15"
    assert client.get(view).status_code == 200
    admin = sa.create_engine(TestConfig.SQLALCHEMY_DATABASE_URI, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        dropped = conn.execute(
            sa.text(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000))"
                " FROM pg_stat_activity WHERE application_name = :name"
            ),
            {"name": name},
        ).scalar_one()
    admin.dispose()
    assert dropped >= 1

    lost = client.get(view)
    assert lost.status_code == 503
    assert lost.headers["Retry-After"] == "1"
    assert lost.get_json()["title"] == "Please try again"
    assert client.get(view).status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_healthz_says_when_the_mail_queue_is_backed_up(client, session, person):
    before = client.get("/healthz").get_json()["queue"]
    assert before["state"] == "ok"
    user = person()  # its confirmation mail waits in the outbox, its job in the queue
    queue = client.get("/healthz").get_json()["queue"]
    assert queue["state"] == "ok"
    assert queue["mail_waiting"] == before["mail_waiting"] + 1
    assert queue["jobs_waiting"] == before["jobs_waiting"] + 1
    session.execute(
        sa.text(
            "UPDATE mail_outbox SET created_at = now() - interval '10 minutes' WHERE user_id = :u"
        ),
        {"u": user.id},
    )
    queue = client.get("/healthz").get_json()["queue"]
    assert queue["state"] == "backed up" and queue["oldest_mail_seconds"] >= 600
