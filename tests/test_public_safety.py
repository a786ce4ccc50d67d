"""Defects found by attacking the running site, each with its regression test: reflected markup,
spreadsheet formulas, hidden ideas showing through, control characters in feeds, passphrases
and white space, moderation of deleted and hidden things, sessions that outlive a password
change or a log-out, GET that changed state, and what the site disclosed."""

import csv
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from civicmap import create_app
from civicmap.config import TestConfig
from civicmap.models import Comment, Initiative, Message
from tests.conftest import PASSWORD, Visitor
from tests.factories import ACRE_LANE, hide, make_initiative

# No "/" in it, so it also fits in one URL path segment (/areas/<slug>).
MARKUP = '<b id="inj">x<meta http-equiv="refresh" content="0;url=https:evil.example">'


@pytest.mark.parametrize(
    "url",
    [
        "/list?postcode={m}",
        "/?postcode={m}",
        "/areas/{m}",
        "/list?kind={m}",
        "/list?category={m}",
        "/list?status={m}",
        "/list?bbox={m}",
        "/list?datetime={m}",
        "/list?near_lat={m}&near_lon=1",
        "/data/{m}.csv",
        "/ogc/collections/{m}",
        "/ogc/collections/projects/items/{m}?f=html",
        "/ogc/collections/projects/items?f=html&datetime={m}",
        "/ogc/collections/projects/items?f=html&limit={m}",
        "/api/v1/projects?bbox={m}",
    ],
)
def test_markup_in_any_argument_comes_back_as_text(client, session, url):
    from urllib.parse import quote

    response = client.get(url.format(m=quote(MARKUP, safe="")))
    text = response.get_data(as_text=True)
    assert response.status_code < 500
    if response.mimetype.endswith("json"):  # data, never rendered as a page
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        return
    assert '<b id="inj">' not in text and "<meta http-equiv" not in text


def test_markup_in_form_fields_comes_back_as_text(as_person, session):
    me, _ = as_person()
    response = me.post(
        "/projects/new",
        {
            "title": MARKUP,
            "description": MARKUP,
            "category": "environment",
            "lat": MARKUP,
            "lon": "1",
        },
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<b id="inj">' not in text and "<meta http-equiv" not in text


@pytest.mark.parametrize("title", ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1)"])
def test_csv_cells_never_start_a_formula(client, session, title):
    make_initiative(session, title=title, at=ACRE_LANE)
    body = client.get("/data/all.csv").get_data(as_text=True).lstrip("\ufeff")
    row = next(csv.DictReader(io.StringIO(body)))
    assert row["title"] == "'" + title
    assert float(row["lon"]) < 0  # numbers stay numbers


def test_a_hidden_idea_does_not_show_through_its_project(as_person, session, visitor):
    author_visitor, author = as_person()
    idea = make_initiative(session, kind="idea", title="Secret plan idea", author=author)
    session.add(
        Comment(
            initiative_id=idea.id,
            initiative_kind="idea",
            author_id=author.id,
            body="A comment on the idea",
        )
    )
    session.commit()
    assert author_visitor.post(f"/ideas/{idea.id}/make-project").status_code == 302
    project = session.scalar(select(Initiative).where(Initiative.from_idea_id == idea.id))
    page = visitor.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "A comment on the idea" in page  # while the idea is public
    hide(session, idea)
    session.commit()
    page = visitor.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "A comment on the idea" not in page
    assert f"/ideas/{idea.id}" not in page


def test_a_control_character_is_stripped_and_the_feeds_stay_valid(as_person, session, visitor):
    me, _ = as_person()
    response = me.post(
        "/projects/new",
        {
            "title": "Bell\u0001 ringing",
            "description": "Ding\u0007 dong",
            "category": "arts",
            "lat": str(ACRE_LANE[0]),
            "lon": str(ACRE_LANE[1]),
        },
    )
    assert response.status_code == 302
    item = session.scalar(select(Initiative).where(Initiative.title.like("Bell%")))
    assert item.title == "Bell ringing" and item.description == "Ding dong"
    # One stored before the forms cleaned input (or loaded another way) must not break feeds.
    session.execute(update(Initiative).where(Initiative.id == item.id).values(title="Bad\u0002one"))
    session.commit()
    for url in ("/feed.atom", "/areas/brixton-acre-lane/feed.atom"):
        feed = visitor.get(url)
        assert feed.status_code == 200 and "Badone" in feed.get_data(as_text=True)


@pytest.mark.parametrize("length", [73, 120, 200])
def test_long_passphrases_are_welcome(visitor, session, length):
    words = ("correct horse battery staple lambeth " * 10)[:length]
    response = visitor.post(
        "/signup",
        {
            "email": f"long{length}@example.org",
            "display_name": "Long",
            "password": words,
            "confirm": words,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.mark.parametrize("title", ["a  ", "ab ", " ab", "a\u3000\u3000", "ab\x1c"])
def test_surrounding_white_space_does_not_pass_a_length_check(as_person, session, title):
    me, _ = as_person()
    response = me.post(
        "/projects/new",
        {
            "title": title,
            "description": "Something.",
            "category": "arts",
            "lat": str(ACRE_LANE[0]),
            "lon": str(ACRE_LANE[1]),
        },
    )
    assert response.status_code == 422
    item = make_initiative(session, kind="idea")
    response = me.post(f"/ideas/{item.id}/proposals", {"action": title, "volunteers_needed": 1})
    assert response.status_code == 422


def test_moderators_cannot_republish_what_its_author_deleted(as_person, session):
    author_visitor, author = as_person()
    moderator, _ = as_person(role="moderator")
    item = make_initiative(session, author=author)
    assert author_visitor.post(f"/projects/{item.id}/delete").status_code == 302
    page = moderator.get(f"/projects/{item.id}").get_data(as_text=True)
    assert "Restore" not in page
    response = moderator.post(f"/projects/{item.id}/moderate", {"action": "restore"})
    assert response.status_code == 403
    session.refresh(item)
    assert item.hidden and item.hidden_reason == "deleted"


def test_nobody_adds_to_a_hidden_item(as_person, session):
    moderator, _ = as_person(role="moderator")
    item = make_initiative(session, kind="idea")
    hide(session, item)
    session.commit()
    assert moderator.post(f"/ideas/{item.id}/comments", {"body": "Hello"}).status_code == 403
    response = moderator.post(
        f"/ideas/{item.id}/proposals", {"action": "Help", "volunteers_needed": 1}
    )
    assert response.status_code == 403
    assert session.scalar(select(func.count()).select_from(Comment)) == 0


def _cookie(visitor):
    return visitor.client.get_cookie("session").value


def test_a_password_change_ends_every_other_session(app, as_person, session):
    mine, user = as_person()
    other = Visitor(app.test_client()).login(user)
    assert other.get("/me").status_code == 200
    response = mine.post(
        "/me/password",
        {
            "current_password": PASSWORD,
            "new_password": "a-different-Lambeth-passphrase",
            "confirm": "a-different-Lambeth-passphrase",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert mine.get("/me").status_code == 200  # this session carries on
    assert other.get("/me").status_code == 302  # the other one is logged out


def test_logging_out_ends_a_copied_session_cookie(app, as_person, session):
    me, _ = as_person()
    stolen = _cookie(me)
    assert me.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/me").status_code == 302


def test_without_a_secret_key_one_is_made_once_and_kept(app):
    class NoKey(TestConfig):
        SECRET_KEY = None

    first, second = create_app(NoKey), create_app(NoKey)  # two workers, or two restarts
    key = first.config["SECRET_KEY"]
    assert key and key == second.config["SECRET_KEY"] and key != app.config["SECRET_KEY"]
    kept = Path(first.instance_path) / "secret_key"
    assert kept.read_text() == key and kept.stat().st_mode & 0o077 == 0


def test_opening_my_messages_does_not_mark_them_read(as_person, session):
    sender, _ = as_person()
    me_visitor, me = as_person()
    offer = make_initiative(session, kind="offer", author=me)
    sender.post(f"/offers/{offer.id}/contact", {"body": "Can you help?"})
    assert me_visitor.get("/me/messages").status_code == 200
    message = session.scalar(select(Message))
    session.refresh(message)
    assert message.read_at is None
    assert me_visitor.post("/me/messages/read").status_code == 302
    session.refresh(message)
    assert message.read_at is not None


def test_feeds_carry_no_names(client, session):
    make_initiative(session, at=ACRE_LANE)
    feed = client.get("/feed.atom").get_data(as_text=True)
    assert "Person " not in feed and "/people/" not in feed


def test_links_never_follow_a_made_up_host(client, session):
    for url in ("/api/v1/projects", "/ogc", "/feed.atom", "/data/all.geojson"):
        response = client.get(url, headers={"Host": "evil.example"})
        assert response.status_code == 400, url
        assert "//evil.example" not in response.get_data(as_text=True)  # no link points there


def test_the_officers_dashboard_shows_numbers_not_python(as_person, session):
    officer, _ = as_person(role="officer")
    make_initiative(session, at=ACRE_LANE)
    page = officer.get("/officers").get_data(as_text=True)
    assert "built-in" not in page and "object at 0x" not in page
    assert re.search(r"<td>1</td>", page)


# --- abuse limits ---------------------------------------------------------------------------------


@pytest.fixture
def limited_app(app):
    """An app with its limits on, counting in memory, behind one proxy. The limiter is one
    object for every app in this process: it is reset and switched off again after."""
    from civicmap.extensions import limiter

    class Limited(TestConfig):
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = "memory://"
        PROXY_HOPS = 1

    yield create_app(Limited)
    limiter.reset()
    limiter.enabled = False


def _login_attempt(client, email, address):
    page = client.get(
        "/login", environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"X-Forwarded-For": address}
    )
    token = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page.get_data(as_text=True))[1]
    return client.post(
        "/login",
        data={"email": email, "password": "wrong guess", "csrf_token": token},
        headers={"X-Forwarded-For": address},
    )


def test_log_in_is_limited_per_email_and_per_real_address(limited_app, session):
    client = limited_app.test_client()
    # Guessing one account's password: ten tries, then a friendly 429 whoever asks.
    for n in range(10):
        assert _login_attempt(client, "target@example.org", f"10.0.0.{n}").status_code == 422
    blocked = _login_attempt(client, "target@example.org", "10.0.1.1")
    assert blocked.status_code == 429 and "Please wait a little" in blocked.get_data(as_text=True)
    # Others behind the same proxy, with their own emails, are not locked out.
    assert _login_attempt(client, "someone@example.org", "10.0.2.2").status_code == 422


def test_forty_sign_ups_from_one_community_meeting_all_succeed(limited_app, session):
    client = limited_app.test_client()
    for n in range(40):
        page = client.get("/signup", headers={"X-Forwarded-For": "203.0.113.7"})
        token = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page.get_data(as_text=True))[1]
        response = client.post(
            "/signup",
            data={
                "email": f"meeting{n}@example.org",
                "display_name": f"Neighbour {n}",
                "password": PASSWORD,
                "confirm": PASSWORD,
                "csrf_token": token,
            },
            headers={"X-Forwarded-For": "203.0.113.7"},
        )
        assert response.status_code == 302, (n, response.status_code)
        client.post(
            "/logout", data={"csrf_token": token}, headers={"X-Forwarded-For": "203.0.113.7"}
        )
        client.delete_cookie("session")


def test_comments_are_limited_per_account(limited_app, session, person):
    from civicmap import limits

    user = person()
    idea = make_initiative(session, kind="idea")
    client = limited_app.test_client()
    Visitor(client).login(user)
    allowed = int(limits.COMMENTS.split()[0])
    visitor = Visitor(client)
    statuses = [
        visitor.post(f"/ideas/{idea.id}/comments", {"body": f"Note {n}"}).status_code
        for n in range(allowed + 1)
    ]
    assert statuses[:allowed] == [302] * allowed and statuses[-1] == 429


# --- forms scripts fill -----------------------------------------------------------------------


@pytest.fixture
def human_check(app):
    app.config["HUMAN_MIN_SECONDS"] = 3
    yield
    app.config["HUMAN_MIN_SECONDS"] = 0


def _signup_form(visitor):
    page = visitor.get("/signup").get_data(as_text=True)
    shown_at = re.search(r'name="shown_at"[^>]* value="([^"]+)"', page)[1]
    return page, {
        "email": "quick@example.org",
        "display_name": "Quick",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "shown_at": shown_at,
    }


def test_a_form_sent_at_once_or_with_the_honeypot_filled_is_refused(
    visitor, session, human_check, monkeypatch
):
    page, data = _signup_form(visitor)
    assert 'class="hp" aria-hidden="true"' in page and 'tabindex="-1"' in page
    at_once = visitor.post("/signup", data)
    assert at_once.status_code == 422 and "very quick" in at_once.get_data(as_text=True)
    assert 'value="quick@example.org"' in at_once.get_data(as_text=True)  # kept
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 5)  # five seconds later
    assert visitor.post("/signup", data | {"nickname": "bot"}).status_code == 422
    assert visitor.post("/signup", data).status_code == 302


def test_a_form_without_its_shown_time_is_refused(visitor, session, human_check):
    _page, data = _signup_form(visitor)
    data.pop("shown_at")
    assert visitor.post("/signup", data).status_code == 422
