"""A crowd, not one person: many people press the same button at the same instant, through a
real threaded server and real HTTP, with every row committed. The database keeps each rule
(capacity, once per person, one project per idea, no lost update); nobody gets a 500."""

from __future__ import annotations

import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from civicmap.extensions import db
from civicmap.geo import parse_point, to_db
from civicmap.models import Idea, Project, Proposal, User
from tests.conftest import PASSWORD
from tests.factories import ACRE_LANE

HASH = generate_password_hash(PASSWORD)  # once: a crowd of scrypt hashes would take seconds
TOKEN = re.compile(r'name="csrf_token"[^>]* value="([^"]+)"')


class Person:
    """Someone with their own browser session on the live server."""

    def __init__(self, base: str, user_id: int, email: str):
        self.base, self.id, self.email = base, user_id, email
        self.http = requests.Session()

    def token(self, path: str) -> str:
        page = self.http.get(self.base + path, timeout=30)
        assert page.status_code == 200, page.text[:300]
        return TOKEN.search(page.text)[1]

    def log_in(self) -> Person:
        token = self.token("/login")
        response = self.http.post(
            self.base + "/login",
            data={"email": self.email, "password": PASSWORD, "csrf_token": token},
            allow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 302, response.text[:300]
        return self

    def post(self, path: str, data: dict, token: str) -> requests.Response:
        return self.http.post(
            self.base + path, data={**data, "csrf_token": token}, allow_redirects=False, timeout=60
        )


def committed(app, *rows):
    """Add rows and commit them for real (the live server's requests must see them)."""
    with app.app_context():
        for row in rows:
            db.session.add(row)
        db.session.commit()
        ids = [row.id for row in rows]
        db.session.remove()
    return ids


def crowd(app, live_server, n: int) -> list[Person]:
    """n people, logged in through the real form (in parallel: each checks a real hash)."""
    tag = threading.get_ident()
    users = [
        User(email=f"crowd{k}-{tag}@example.org", display_name=f"Neighbour {k}", password_hash=HASH)
        for k in range(n)
    ]
    ids = committed(app, *users)
    people = [Person(live_server, i, u.email) for i, u in zip(ids, users, strict=True)]
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(Person.log_in, people))


def at_once(people: list[Person], act) -> list[requests.Response]:
    """Everyone acts at the same instant (a barrier releases all the threads together)."""
    barrier = threading.Barrier(len(people))

    def go(person):
        barrier.wait()
        return act(person)

    with ThreadPoolExecutor(len(people)) as pool:
        return list(pool.map(go, people))


def statuses(responses) -> Counter:
    return Counter(r.status_code for r in responses)


def scalar(app, sql: str, **params):
    with app.app_context():
        value = db.session.execute(sa.text(sql), params).scalar_one()
        db.session.remove()
    return value


@pytest.fixture
def project(app, clean_db):
    author = User(email="organiser@example.org", display_name="Organiser", password_hash=HASH)
    committed(app, author)
    item = Project(
        title="Saturday clean-up",
        description="Bring gloves.",
        category="environment",
        status="active",
        author_id=author.id,
        location=to_db(parse_point(*ACRE_LANE)),
    )
    committed(app, item)
    return item


def test_fifty_volunteers_at_once_fill_three_places_and_no_more(app, live_server, project):
    proposal = Proposal(
        initiative_id=project.id,
        initiative_kind="project",
        author_id=project.author_id,
        action="Litter pick on Acre Lane",
        volunteers_needed=3,
        status="open",
    )
    (proposal_id,) = committed(app, proposal)
    people = crowd(app, live_server, 50)
    tokens = {p.id: p.token(f"/projects/{project.id}") for p in people}
    responses = at_once(
        people,
        lambda p: p.post(f"/proposals/{proposal_id}/volunteer", {"note": ""}, tokens[p.id]),
    )
    counts = statuses(responses)
    assert counts == {302: 3, 409: 47}, counts
    assert (
        scalar(
            app,
            "SELECT count(*) FROM volunteerings WHERE proposal_id = :p AND status = 'active'",
            p=proposal_id,
        )
        == 3
    )
    assert scalar(app, "SELECT status FROM proposals WHERE id = :p", p=proposal_id) == "full"
    refused = next(r for r in responses if r.status_code == 409)
    assert "already has all the volunteers it needs" in refused.text


def test_the_database_refuses_a_volunteer_past_capacity_whatever_the_code_path(app, project):
    proposal = Proposal(
        initiative_id=project.id,
        initiative_kind="project",
        author_id=project.author_id,
        action="Paint the fence",
        volunteers_needed=1,
        status="open",
    )
    (proposal_id,) = committed(app, proposal)
    first, second = (
        User(email=f"v{k}@example.org", display_name=f"V{k}", password_hash=HASH) for k in (1, 2)
    )
    committed(app, first, second)
    insert = "INSERT INTO volunteerings (proposal_id, user_id) VALUES (:p, :u)"
    with app.app_context(), db.engine.connect() as conn:
        conn.execute(sa.text(insert), {"p": proposal_id, "u": first.id})
        conn.commit()
        with pytest.raises(sa.exc.DBAPIError) as refused:
            conn.execute(sa.text(insert), {"p": proposal_id, "u": second.id})
        assert refused.value.orig.sqlstate == "CM003"
        conn.rollback()
        # Withdrawing opens it again, and the place can be taken.
        conn.execute(
            sa.text("UPDATE volunteerings SET status = 'withdrawn' WHERE user_id = :u"),
            {"u": first.id},
        )
        conn.commit()
        status = conn.execute(
            sa.text("SELECT status FROM proposals WHERE id = :p"), {"p": proposal_id}
        ).scalar_one()
        assert status == "open"
        conn.execute(sa.text(insert), {"p": proposal_id, "u": second.id})
        conn.commit()


def test_twenty_identical_appreciations_make_one_and_no_errors(app, live_server, project):
    (person,) = crowd(app, live_server, 1)
    token = person.token(f"/projects/{project.id}")
    responses = at_once(
        [person] * 20,
        lambda p: p.post(f"/projects/{project.id}/appreciate", {"note": "Thank you"}, token),
    )
    counts = statuses(responses)
    assert counts[302] == 1 and counts[409] == 19, counts
    assert "You have already appreciated this" in next(
        r.text for r in responses if r.status_code == 409
    )
    assert scalar(app, "SELECT count(*) FROM appreciations WHERE user_id = :u", u=person.id) == 1
    assert (
        scalar(app, "SELECT appreciation_count FROM initiatives WHERE id = :i", i=project.id) == 1
    )


def test_ten_conversions_of_one_idea_make_one_project(app, live_server, clean_db):
    (author,) = crowd(app, live_server, 1)
    idea = Idea(
        title="A tool library",
        description="Borrow a drill.",
        category="environment",
        status="open",
        author_id=author.id,
        location=to_db(parse_point(*ACRE_LANE)),
    )
    (idea_id,) = committed(app, idea)
    token = author.token(f"/ideas/{idea_id}")
    responses = at_once(
        [author] * 10, lambda p: p.post(f"/ideas/{idea_id}/make-project", {}, token)
    )
    assert set(statuses(responses)) <= {302, 409}, statuses(responses)
    assert scalar(app, "SELECT count(*) FROM initiatives WHERE from_idea_id = :i", i=idea_id) == 1
    # Every success went to the one project.
    assert len({r.headers["Location"] for r in responses if r.status_code == 302}) == 1


def test_two_people_saving_one_item_at_once_lose_nothing(app, live_server, clean_db):
    (author,) = crowd(app, live_server, 1)
    item = Project(
        title="Community fridge",
        description="First words.",
        category="food",
        status="active",
        author_id=author.id,
        location=to_db(parse_point(*ACRE_LANE)),
    )
    (item_id,) = committed(app, item)
    page = author.http.get(f"{live_server}/projects/{item_id}/edit", timeout=30).text
    token = TOKEN.search(page)[1]
    version = re.search(r'name="version"[^>]* value="(\d+)"', page)[1]

    def save(text):
        return lambda p: p.post(
            f"/projects/{item_id}/edit",
            {
                "title": "Community fridge",
                "description": text,
                "category": "food",
                "status": "active",
                "lat": str(ACRE_LANE[0]),
                "lon": str(ACRE_LANE[1]),
                "version": version,
            },
            token,
        )

    # Two tabs, one person: two saves of the same version at the same instant.
    barrier = threading.Barrier(2)

    def tab(text):
        barrier.wait()
        return save(text)(author)

    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(tab, ["Words from tab one.", "Words from tab two."])
    assert sorted([first.status_code, second.status_code]) == [302, 409]
    refused = first if first.status_code == 409 else second
    kept = "Words from tab one." if refused is first else "Words from tab two."
    saved = "Words from tab two." if refused is first else "Words from tab one."
    assert "Someone else saved changes" in refused.text
    assert kept in refused.text  # the refused editor's text is still in the form
    assert "What is saved now" in refused.text and saved in refused.text
    assert scalar(app, "SELECT description FROM initiatives WHERE id = :i", i=item_id) == saved


def test_two_withdrawals_and_three_waiting_never_over_fill(app, live_server, project):
    proposal = Proposal(
        initiative_id=project.id,
        initiative_kind="project",
        author_id=project.author_id,
        action="Two places only",
        volunteers_needed=2,
        status="open",
    )
    (proposal_id,) = committed(app, proposal)
    people = crowd(app, live_server, 5)
    tokens = {p.id: p.token(f"/projects/{project.id}") for p in people}
    url = f"/proposals/{proposal_id}"
    for person in people[:2]:
        assert person.post(f"{url}/volunteer", {"note": ""}, tokens[person.id]).status_code == 302
    for person in people[2:]:  # full now: three join the waiting list, in order
        assert person.post(f"{url}/wait", {}, tokens[person.id]).status_code == 302
    responses = at_once(people[:2], lambda p: p.post(f"{url}/withdraw", {}, tokens[p.id]))
    assert statuses(responses) == {302: 2}
    active = scalar(
        app,
        "SELECT array_agg(user_id ORDER BY user_id) FROM volunteerings"
        " WHERE proposal_id = :p AND status = 'active'",
        p=proposal_id,
    )
    assert active == sorted(p.id for p in people[2:4])  # the first two waiting moved up
    assert scalar(app, "SELECT status FROM proposals WHERE id = :p", p=proposal_id) == "full"
    waiting = "SELECT count(*) FROM volunteerings WHERE proposal_id = :p AND status = 'waiting'"
    assert scalar(app, waiting, p=proposal_id) == 1
    told = "SELECT count(*) FROM notifications WHERE event = 'moved_up'"
    assert scalar(app, told) == 2


def test_the_waiting_list_is_only_for_full_proposals(app, live_server, project):
    proposal = Proposal(
        initiative_id=project.id,
        initiative_kind="project",
        author_id=project.author_id,
        action="Plenty of room",
        volunteers_needed=5,
        status="open",
    )
    (proposal_id,) = committed(app, proposal)
    (person,) = crowd(app, live_server, 1)
    token = person.token(f"/projects/{project.id}")
    refused = person.post(f"/proposals/{proposal_id}/wait", {}, token)
    assert refused.status_code == 409 and "volunteer instead" in refused.text


def test_ten_identical_follows_at_once_make_one_and_no_errors(app, live_server, project):
    (person,) = crowd(app, live_server, 1)
    token = person.token("/me/email")
    ward = scalar(app, "SELECT ward_id FROM initiatives WHERE id = :i", i=project.id)
    for path, data in (
        (f"/follow/ward/{ward}", {}),
        (f"/follow/item/{project.id}", {}),
        ("/follow/category", {"category": "food"}),
    ):
        responses = at_once(
            [person] * 10, lambda p, path=path, data=data: p.post(path, data, token)
        )
        assert statuses(responses) == {302: 10}, (path, statuses(responses))
    follows = "SELECT count(*) FROM follows WHERE user_id = :u"
    assert scalar(app, follows, u=person.id) == 2
    topics = "SELECT count(*) FROM topic_follows WHERE user_id = :u"
    assert scalar(app, topics, u=person.id) == 1
