"""The authorisation matrix, generated from the URL map: every route that writes, for every kind
of visitor (anonymous, the author, another resident, an officer, a moderator, an administrator,
a suspended account), answers as the policy declared beside the route (civicmap/access.py)
says. A new writing route without a declared policy fails here."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from civicmap import access
from civicmap.models import Comment, Message, Proposal, TopicFollow
from tests.conftest import Visitor
from tests.factories import ACRE_LANE, make_initiative, make_user

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
ROLES = ["anonymous", "author", "other", "officer", "moderator", "admin", "suspended"]


def writing_rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.methods & WRITES),
        key=lambda rule: rule.rule,
    )


def test_every_writing_route_declares_who_may_use_it(app):
    undeclared = [
        rule.rule
        for rule in writing_rules(app)
        if not hasattr(app.view_functions[rule.endpoint], "access")
    ]
    assert undeclared == []


def _rules():
    from civicmap import create_app
    from civicmap.config import TestConfig

    return [rule.rule for rule in writing_rules(create_app(TestConfig))]


@pytest.fixture
def world(app, session):
    """An idea by `author`, with a comment and a proposal, and a message to the author."""
    roles = {"officer": "officer", "moderator": "moderator", "admin": "admin"}
    people = {
        role: make_user(session, role=roles.get(role, "resident"))
        for role in ROLES
        if role != "anonymous"
    }
    idea = make_initiative(session, kind="idea", at=ACRE_LANE, author=people["author"])
    session.add(
        Comment(
            initiative_id=idea.id,
            initiative_kind="idea",
            author_id=people["author"].id,
            body="A comment",
            hidden=True,  # hidden by a moderator, so its author may ask for a review
            hidden_reason="moderated",
        )
    )
    session.add(
        Proposal(
            initiative_id=idea.id,
            initiative_kind="idea",
            author_id=people["author"].id,
            action="Paint the hall",
            volunteers_needed=3,
            status="open",
        )
    )
    session.add(
        Message(sender_id=people["other"].id, recipient_id=people["author"].id, body="Hello")
    )
    session.add(TopicFollow(user_id=people["author"].id, kind="category", value="food"))
    session.commit()
    return people, idea


def _values(rule, people, idea, session) -> dict:
    proposal = session.scalar(select(Proposal))
    comment = session.scalar(select(Comment))
    message = session.scalar(select(Message))
    values = {
        "plural": "ideas",
        "item_id": idea.id,
        "proposal_id": proposal.id,
        "message_id": message.id,
        "user_id": people["other"].id,
        "kind": "item",
        "target_id": idea.id,
        "status": "done",
        # The mailed links' routes: the signed token is the authority (a forged one is a 400).
        "token": "not-a-valid-token",
        "topic_id": session.scalar(select(TopicFollow.id)),
    }
    if "/moderation/people/" in rule.rule or "/people/" in rule.rule:
        values["user_id"] = people["other"].id
    if "/report/" in rule.rule or "/moderation/<any" in rule.rule or "/me/review/" in rule.rule:
        values.update(kind="comment", target_id=comment.id)
    for name, converter in rule._converters.items():
        choices = getattr(converter, "items", None)  # <any(...)>: one of its words
        if choices and values.get(name) not in choices:
            values[name] = sorted(choices)[0]
    return {name: value for name, value in values.items() if name in rule.arguments}


def _url(app, rule, values) -> str:
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        return adapter.build(rule.endpoint, values)


def _visitor(app, role, people, session):
    visitor = Visitor(app.test_client())
    if role == "anonymous":
        return visitor
    # Logged in as Flask-Login does it (the log-in form itself is tested elsewhere; checking a
    # real password hash 190 times would cost this file a minute and a half).
    with visitor.client.session_transaction() as cookie_session:
        cookie_session["_user_id"] = people[role].get_id()
        cookie_session["_fresh"] = True
    if role == "suspended":
        from datetime import UTC, datetime

        people[role].suspended_at = datetime.now(UTC)
        session.commit()
    return visitor


def expected(policy: str, role: str) -> str:
    """'login' (sent to log in), 'refused' (403/404) or 'allowed' (anything else but a 5xx)."""
    if policy == access.ANYONE:
        return "allowed"
    if role in ("anonymous", "suspended"):
        return "login"
    if policy == access.SIGNED_IN:
        return "allowed"
    if policy == access.MODERATOR:
        return "allowed" if role in ("moderator", "admin") else "refused"
    if policy == access.OFFICER:
        return "allowed" if role in ("officer", "admin") else "refused"
    if policy in (access.AUTHOR, access.RECIPIENT):
        return "allowed" if role == "author" else "refused"
    raise AssertionError(policy)


def outcome(response, wanted: str) -> str:
    """What happened, in the words of `expected`. A 404 is a refusal where one is expected (a
    message that is not yours does not exist for you), and a plain answer where the person may
    act (withdrawing help you never offered)."""
    status = response.status_code
    if status >= 500:
        return f"error {status}"
    if status == 401 or (status in (302, 303) and "/login" in response.headers.get("Location", "")):
        return "login"
    if status == 403 or (status == 404 and wanted == "refused"):
        return "refused"
    return "allowed"


@pytest.mark.parametrize("path", _rules())
@pytest.mark.parametrize("role", ROLES)
def test_the_matrix(app, session, world, path, role):
    people, idea = world
    rule = next(r for r in writing_rules(app) if r.rule == path)
    policy = app.view_functions[rule.endpoint].access
    if path == "/login" and role not in ("anonymous", "suspended"):
        pytest.skip("a logged-in person posting the log-in form is sent on, not refused")
    visitor = _visitor(app, role, people, session)
    url = _url(app, rule, _values(rule, people, idea, session))
    response = visitor.post(url, {"reason": "Because", "body": "Hi", "password": "x"})
    wanted = expected(policy, role)
    assert outcome(response, wanted) == wanted, (
        url,
        role,
        policy,
        response.status_code,
        response.headers.get("Location"),
    )
