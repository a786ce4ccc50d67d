"""CSRF on every state-changing request, security headers, no personal data on public pages."""

import pytest
from sqlalchemy import func, select

from civicmap import create_app
from civicmap.config import TestConfig
from civicmap.extensions import READ_ONLY_BLUEPRINTS, limiter
from civicmap.models import Appreciation, Initiative
from tests.conftest import PASSWORD
from tests.factories import make_initiative


@pytest.mark.parametrize(
    "url",
    [
        "/projects/new",
        "/projects/{id}/appreciate",
        "/projects/{id}/comments",
        "/projects/{id}/proposals",
        "/projects/{id}/delete",
        "/me/profile",
        "/logout",
    ],
)
def test_a_post_without_a_csrf_token_is_refused_and_writes_nothing(as_person, session, url):
    me, author = as_person()
    item = make_initiative(session, author=author)
    response = me.post(url.format(id=item.id), {"title": "x", "note": "y", "body": "z"}, csrf=False)
    assert response.status_code == 400
    assert "Your form expired" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Appreciation)) == 0
    session.refresh(item)
    assert not item.hidden


def test_a_forged_csrf_token_is_refused(as_person, session):
    me, _ = as_person()
    response = me.post("/projects/new", {"csrf_token": "forged", "title": "x"}, csrf=False)
    assert response.status_code == 400
    assert session.scalar(select(func.count()).select_from(Initiative)) == 0


def test_pages_send_a_content_security_policy_that_allows_only_own_scripts(visitor, session):
    response = visitor.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_page_loads_a_script_from_elsewhere(visitor, session):
    item = make_initiative(session)
    for url in ("/", f"/projects/{item.id}", "/signup", "/login"):
        page = visitor.get(url).get_data(as_text=True)
        assert "<script>" not in page  # no inline script
        head = page.split("<main")[0]
        assert 'src="http' not in page
        # Nothing in the head loads from an absolute address (hreflang alternates load nothing).
        assert [
            line
            for line in head.splitlines()
            if 'href="http' in line and 'rel="alternate"' not in line
        ] == []


def test_errors_answer_json_problem_documents_to_api_clients(visitor, session):
    response = visitor.get("/projects/999999", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 404


@pytest.fixture
def limits_on():
    """The rate limiter switched on (the test config has it off), and off again after.

    The limiter is one object shared by every app made in this process: an app made with it
    enabled sets up its storage and turns it on for the test's app too.
    """

    class Limited(TestConfig):
        RATELIMIT_ENABLED = True

    create_app(Limited)
    yield limiter
    limiter.reset()
    limiter.enabled = False


def test_logging_in_is_limited_per_email(visitor, person, limits_on):
    user = person()
    wrong = {"email": user.email, "password": "wrong-password-x"}
    tries = [visitor.post("/login", wrong).status_code for _ in range(10)]
    assert tries == [422] * 10
    refused = visitor.post("/login", {"email": user.email, "password": PASSWORD})
    assert refused.status_code == 429
    assert visitor.get("/map/items.json?bbox=-0.15,51.44,-0.09,51.47&zoom=15").status_code == 200


def test_parts_that_skip_the_rate_limiter_only_read(app):
    """READ_ONLY_BLUEPRINTS skip the limiter: none of their routes may accept a write."""
    reads = {"GET", "HEAD", "OPTIONS"}
    seen = set()
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0]
        if blueprint in READ_ONLY_BLUEPRINTS:
            seen.add(blueprint)
            assert rule.methods <= reads, (rule.rule, rule.methods)
    assert seen == READ_ONLY_BLUEPRINTS
