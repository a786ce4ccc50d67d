"""GET /healthz: up with counts, 503 with a reason when the database is unreachable."""

from civicmap import create_app
from civicmap.config import TestConfig
from tests.factories import make_initiative


def test_healthz_reports_postgis_and_counts(client, session):
    make_initiative(session, kind="idea")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["postgis"].startswith("3.")
    assert body["counts"]["wards"] == 25
    assert body["counts"]["ideas"] == 1
    assert body["counts"]["projects"] == 0


def test_healthz_answers_503_when_the_database_is_unreachable():
    class Unreachable(TestConfig):
        # Nothing listens on port 1: the connection is refused at once.
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://postgres@127.0.0.1:1/civicmap"
        SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"connect_timeout": 2}}

    app = create_app(Unreachable)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert "refused" in body["reason"].lower() or "connect" in body["reason"].lower()
