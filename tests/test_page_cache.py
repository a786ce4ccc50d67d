"""Pages kept for people not logged in (civicmap/pagecache.py), proven on two gunicorn hosts
sharing the project's Redis, as in production: what changes in the database shows at once,
forms on a kept page work for whoever reads it, and each reader sees their own parts of it
and nobody else's."""

from __future__ import annotations

import re

import pytest
import requests
from sqlalchemy import func
from werkzeug.security import generate_password_hash

from civicmap.extensions import db
from civicmap.geo import parse_point, to_db
from civicmap.models import (
    Initiative,
    Notification,
    Project,
    Proposal,
    User,
    Volunteering,
)
from tests.conftest import PASSWORD, TOKEN, free_port, gunicorn
from tests.factories import ACRE_LANE

WARD = "/areas/brixton-acre-lane"
CACHE = "X-Civicmap-Cache"


class Browser(requests.Session):
    """A browser reaching both hosts through one proxy: one site name (pages are kept per host
    name, as their absolute links name it), whichever port answers."""

    def __init__(self):
        super().__init__()
        self.headers["Host"] = "localhost"

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", 10)
        return super().request(*args, **kwargs)


def get(url: str, **kw) -> requests.Response:
    return Browser().get(url, **kw)


def kept(fetch, tries: int = 3) -> requests.Response:
    """fetch() until the page comes from the kept pages. Any write moves the snapshot, the
    database's own too (autovacuum's ANALYZE, every minute in the tests' cluster), and the
    next page is then made afresh: a few tries prove that the page is kept, not that the
    database was quiet."""
    for _ in range(tries):
        answer = fetch()
        if answer.headers.get(CACHE) == "hit":
            return answer
    raise AssertionError(f"not served from the kept pages in {tries} tries")


@pytest.fixture
def hosts(app, shared_redis, clean_db):
    env = {"SECRET_KEY": "kept-pages", "CIVICMAP_CACHE_URL": shared_redis}
    with gunicorn(env, workers=1) as (one, _), gunicorn(env, workers=1) as (other, _):
        yield one, other


def commit(app, *rows) -> list[int]:
    """Rows committed from outside the app, as another person's request would."""
    with app.app_context():
        db.session.add_all(rows)
        db.session.commit()
        ids = [row.id for row in rows]
        db.session.remove()
    return ids


def resident(name: str = "Ann Kept-Pages") -> User:
    return User(
        email=f"{name.split()[0].lower()}@example.org",
        display_name=name,
        password_hash=generate_password_hash(PASSWORD),
    )


def project(author: User, title: str) -> Project:
    return Project(
        title=title,
        description="Dig with us.",
        category="environment",
        status="active",
        author=author,
        location=to_db(parse_point(*ACRE_LANE)),
    )


def test_a_kept_page_is_shared_by_hosts_and_a_new_item_shows_at_once(app, hosts):
    one, other = hosts
    ann = resident()
    commit(app, ann, project(ann, "Seed library"))
    first = get(f"{one}{WARD}")
    assert first.status_code == 200 and first.headers[CACHE] == "miss"
    again = kept(lambda: get(f"{other}{WARD}"))  # the other host, from the shared Redis
    assert "Seed library" in again.text

    (new_id,) = commit(app, project(ann, "Tool share on Acre Lane"))
    fresh = get(f"{other}{WARD}")
    assert fresh.headers[CACHE] == "miss" and "Tool share on Acre Lane" in fresh.text
    item = get(f"{one}/projects/{new_id}")
    assert item.status_code == 200 and "Tool share on Acre Lane" in item.text
    kept(lambda: get(f"{other}/projects/{new_id}"))

    # Hidden by a moderator: gone from the next page served, and its own page says so.
    with app.app_context():
        hidden = db.session.get(Initiative, new_id)
        hidden.hidden, hidden.hidden_reason = True, "moderated"
        db.session.commit()
        db.session.remove()
    assert "Tool share on Acre Lane" not in get(f"{one}{WARD}").text
    assert get(f"{other}/projects/{new_id}").status_code == 410


def test_forms_on_a_kept_page_work_for_each_reader_and_only_theirs(hosts):
    one, other = hosts
    first, second = Browser(), Browser()
    assert first.get(f"{one}/areas").headers[CACHE] == "miss"
    page = kept(lambda: second.get(f"{other}/areas"))
    first_token = TOKEN.search(first.get(f"{one}/areas").text)[1]
    second_token = TOKEN.search(page.text)[1]
    assert first_token != second_token
    assert "\x00" not in page.text

    def choose_polish(browser, token):
        return browser.post(
            f"{one}/language",
            data={"lang": "pl", "next": "/areas", "csrf_token": token},
            allow_redirects=False,
        )

    assert choose_polish(second, first_token).status_code == 400  # someone else's token
    assert choose_polish(second, second_token).status_code in (302, 303)
    polish = second.get(f"{other}/areas")
    assert '<html lang="pl">' in polish.text and polish.headers[CACHE] == "miss"


def test_a_browser_revalidates_and_hears_of_a_change(app, hosts):
    one, other = hosts
    browser = Browser()
    page = browser.get(f"{one}/")
    etag = page.headers["ETag"]
    assert page.headers["Cache-Control"] == "no-cache"
    same = browser.get(f"{other}/", headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.content == b""
    # Another browser's validator is not this one's: its CSRF token differs.
    stranger = get(f"{one}/", headers={"If-None-Match": etag})
    assert stranger.status_code == 200

    ann = resident()
    commit(app, ann, project(ann, "Street piano"))
    changed = browser.get(f"{one}/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Street piano" in changed.text
    assert changed.headers["ETag"] != etag


def log_in(base: str, email: str) -> Browser:
    browser = Browser()
    token = TOKEN.search(browser.get(f"{base}/login").text)[1]
    answer = browser.post(
        f"{base}/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
    )
    assert answer.status_code == 302
    return browser


def test_a_kept_page_carries_each_readers_own_parts_and_nobody_elses(app, hosts):
    one, other = hosts
    bea = resident("Bea Moderator")
    bea.role = "moderator"
    cal = resident("Cal Resident")
    ann = resident()
    commit(app, bea, cal, ann, project(ann, "Seed swap"))
    assert get(f"{one}{WARD}").headers[CACHE] == "miss"
    bea_browser = log_in(one, "bea@example.org")
    cal_browser = log_in(other, "cal@example.org")
    anonymous = get(f"{other}{WARD}")
    assert anonymous.headers[CACHE] == "miss"  # logging in wrote: the page was made afresh

    bea_page = kept(lambda: bea_browser.get(f"{other}{WARD}"))
    for mine in ("Moderation", "Log out", "Follow Brixton Acre Lane", "Organise an event"):
        assert mine in bea_page.text
    follow = re.search(r'action="(/follow/ward/\d+)"', bea_page.text)[1]
    token = TOKEN.search(bea_page.text)[1]
    followed = bea_browser.post(f"{one}{follow}", data={"csrf_token": token, "next": WARD})
    assert followed.status_code == 200 and "Stop following" in followed.text

    cal_page = cal_browser.get(f"{one}{WARD}")
    cal_again = kept(lambda: cal_browser.get(f"{other}{WARD}"))
    for page in (cal_page, cal_again):
        assert "Follow Brixton Acre Lane" in page.text and "Stop following" not in page.text
        assert "Log out" in page.text and "Moderation" not in page.text
    bea_again = kept(lambda: bea_browser.get(f"{one}{WARD}"))
    assert "Stop following" in bea_again.text
    nobody = kept(lambda: get(f"{other}{WARD}"))
    assert "Log in" in nobody.text
    for theirs in ("Log out", "Moderation", "Follow Brixton", "Organise an event"):
        assert theirs not in nobody.text
    # Each reader's own CSRF token, in the header's log-out form and the follow form alike.
    assert set(TOKEN.findall(cal_again.text)).isdisjoint(TOKEN.findall(bea_again.text))
    assert "\x00" not in cal_again.text + bea_again.text + nobody.text


def test_an_item_page_is_kept_for_everyone_and_each_reader_sees_their_own_part(app, hosts):
    one, other = hosts
    ann, bea, cal, dev = (
        resident("Ann Author"),
        resident("Bea Moderator"),
        resident("Cal Volunteer"),
        resident("Dev Resident"),
    )
    bea.role = "moderator"
    ids = commit(app, ann, bea, cal, dev, project(ann, "Seed swap"))
    (plan,) = commit(
        app,
        Proposal(
            initiative_id=ids[4],
            initiative_kind="project",
            author_id=ids[0],
            action="Build the shelves",
            volunteers_needed=3,
        ),
    )
    commit(app, Volunteering(proposal_id=plan, user_id=ids[2]))
    page = f"/projects/{ids[4]}"
    readers = {name: log_in(one, f"{name}@example.org") for name in ("ann", "bea", "cal", "dev")}
    assert get(f"{one}{page}").headers[CACHE] == "miss"  # the logging in wrote

    seen = {
        name: kept(lambda browser=browser: browser.get(f"{other}{page}"))
        for name, browser in readers.items()
    }
    seen["nobody"] = kept(lambda: get(f"{one}{page}"))
    theirs = {
        "ann": [">Edit</a>", "Post an update", "Add a photo", "Your volunteers", "Follow this"],
        "bea": ["Hide (moderation)", "Report this project", "Volunteer for this", "Follow this"],
        "cal": ["Stop volunteering", "Report this project", "Follow this"],
        "dev": ["Volunteer for this", "Report this project", "Follow this"],
        "nobody": ["Log in to volunteer", "Log in to propose an action", "Log in to comment"],
    }
    for name, answer in seen.items():
        for mine in theirs[name]:
            assert mine in answer.text, (name, mine)
        for other_name, parts in theirs.items():
            for part in set(parts) - set(theirs[name]):
                assert part not in answer.text, (name, "sees", other_name, part)
        assert "\x00" not in answer.text

    # Cal appreciates: the page is made afresh, and only Cal's says "Take back".
    cal_page = seen["cal"]
    appreciate = cal_page.text.index(f'action="{page}/appreciate"')
    token = TOKEN.search(cal_page.text, appreciate)[1]
    done = readers["cal"].post(f"{one}{page}/appreciate", data={"csrf_token": token, "note": ""})
    assert done.status_code == 200 and "Take back my appreciation" in done.text
    assert "Take back my appreciation" not in readers["dev"].get(f"{other}{page}").text
    kept(lambda: readers["cal"].get(f"{other}{page}"))

    # Hidden: moderators still read it, made for them alone, never kept.
    with app.app_context():
        hidden = db.session.get(Initiative, ids[4])
        hidden.hidden, hidden.hidden_reason = True, "moderated"
        db.session.commit()
        db.session.remove()
    for _ in range(2):
        moderator = readers["bea"].get(f"{one}{page}")
        assert moderator.status_code == 200 and "Restore" in moderator.text
        assert CACHE not in moderator.headers
    assert readers["dev"].get(f"{one}{page}").status_code == 410


def test_the_reader_is_kept_with_the_page_and_is_never_older_than_it(app, hosts):
    """A logged-in reader's own row and unread count are kept by the same snapshot as the page:
    a new notification, a new role or a suspension shows on the very next page."""
    one, other = hosts
    (dev_id,) = commit(app, resident("Dev Reader"))
    browser = log_in(one, "dev@example.org")
    browser.get(f"{one}/")
    first = kept(lambda: browser.get(f"{other}/"))
    assert "Notifications</a>" in first.text

    commit(app, Notification(user_id=dev_id, event="comment"))
    told = browser.get(f"{one}/")
    assert "(1 new)" in told.text
    assert "(1 new)" in browser.get(f"{other}/").text  # kept: the same on the other host

    with app.app_context():
        db.session.get(User, dev_id).role = "moderator"
        db.session.commit()
        db.session.remove()
    assert "Moderation" in browser.get(f"{other}/").text

    with app.app_context():
        db.session.get(User, dev_id).suspended_at = func.now()
        db.session.commit()
        db.session.remove()
    gone = browser.get(f"{one}/")
    assert "Log out" not in gone.text and "Log in" in gone.text


def test_parts_made_for_one_reader_serve_the_next_with_their_own_token(app, hosts):
    """The header's links and the follow button are made once for readers who would see the
    same (pagecache.part_key): the next such reader gets them with their own CSRF token, which
    works, and a reader whose answer differs (a new notification) gets their own."""
    one, _other = hosts
    (eve_id, _fay_id) = commit(app, resident("Eve Reader"), resident("Fay Reader"))
    eve, fay = log_in(one, "eve@example.org"), log_in(one, "fay@example.org")
    eve_page = kept(lambda: eve.get(f"{one}{WARD}"))
    fay_page = kept(lambda: fay.get(f"{one}{WARD}"))  # the same host: Eve's parts, reused
    eve_tokens, fay_tokens = set(TOKEN.findall(eve_page.text)), set(TOKEN.findall(fay_page.text))
    assert len(fay_tokens) == 1 and fay_tokens.isdisjoint(eve_tokens)
    assert TOKEN.sub("", eve_page.text) == TOKEN.sub("", fay_page.text)
    assert "Follow Brixton Acre Lane" in fay_page.text and "\x00" not in fay_page.text

    commit(app, Notification(user_id=eve_id, event="comment"))
    assert "(1 new)" in kept(lambda: eve.get(f"{one}{WARD}")).text
    assert "new)" not in kept(lambda: fay.get(f"{one}{WARD}")).text
    (token,) = fay_tokens
    out = fay.post(f"{one}/logout", data={"csrf_token": token}, allow_redirects=False)
    assert out.status_code == 302


def test_a_waiting_message_is_shown_though_the_page_is_kept(app, hosts):
    one, other = hosts
    commit(app, resident("Bea Personal"))
    browser = log_in(one, "bea@example.org")
    token = TOKEN.search(browser.get(f"{other}/").text)[1]
    out = browser.post(f"{one}/logout", data={"csrf_token": token}, allow_redirects=False)
    assert out.status_code == 302
    get(f"{one}/")
    kept(lambda: get(f"{other}/"))  # kept since the log-out was written
    landing = browser.get(f"{other}/")
    assert "You have logged out" in landing.text and CACHE not in landing.headers
    after = kept(lambda: browser.get(f"{one}/"))
    assert "You have logged out" not in after.text
    assert "Log out" not in after.text


def test_each_language_is_kept_apart(hosts):
    one, other = hosts
    english = get(f"{one}{WARD}")
    polish = get(f"{other}{WARD}", headers={"Accept-Language": "pl"})
    assert '<html lang="en">' in english.text and '<html lang="pl">' in polish.text
    assert polish.headers[CACHE] == "miss"
    assert "Accept-Language" in polish.headers["Vary"]


def test_a_store_that_is_down_costs_speed_not_the_page(app, clean_db):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    with gunicorn({"SECRET_KEY": "no-store", "CIVICMAP_CACHE_URL": dead}, workers=1) as (base, _):
        for path in ("/", "/areas", WARD):
            page = get(f"{base}{path}")
            assert page.status_code == 200 and page.headers[CACHE] == "miss"
            token = TOKEN.search(page.text)[1]
            assert token and "\x00" not in page.text
