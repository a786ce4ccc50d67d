"""Every page, rendered for a visitor, a resident and an administrator (so the officers' and
moderators' pages too), shows text a person can read: no Python object (`<built-in method…`,
`object at 0x`), no `None` where a value belongs, no template left unrendered (`{{`). The pages
come from the URL map, so a new page is included."""

from __future__ import annotations

import re

import pytest
from flask import current_app
from sqlalchemy import select

from civicmap.models import Comment, Message, Photo, Proposal, Update
from civicmap.services import tokens
from tests.conftest import Visitor
from tests.factories import ACRE_LANE, make_initiative, make_user

PYTHON = re.compile(r"<built-in|object at 0x|\{\{|\{%|\bNone\b(?!\s+(yet|right now))|Undefined")
SKIP = ("static", "api.openapi")  # files, and a document whose values are JSON's


def page_rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" in rule.methods and not rule.endpoint.startswith(SKIP):
            yield rule


@pytest.fixture
def world(session):
    author = make_user(session, display_name="Ada Author", bio="I garden.", skills=["gardening"])
    other = make_user(session, display_name="Bo Other")
    idea = make_initiative(session, kind="idea", at=ACRE_LANE, author=author, summary="A plan")
    project = make_initiative(
        session,
        at=ACRE_LANE,
        author=author,
        website="https://example.org",
        skills_needed=["gardening", "design"],
    )
    offer = make_initiative(session, kind="offer", at=ACRE_LANE, author=author, skills=["tools"])
    session.add(
        Comment(
            initiative_id=idea.id, initiative_kind="idea", author_id=other.id, body="Count me in"
        )
    )
    session.add(
        Proposal(
            initiative_id=idea.id,
            initiative_kind="idea",
            author_id=author.id,
            action="Paint the hall",
            volunteers_needed=2,
            status="open",
        )
    )
    session.add(Message(sender_id=other.id, recipient_id=author.id, body="Hello"))
    update = Update(
        initiative_id=project.id, initiative_kind="project", author_id=author.id, body="Dug in"
    )
    session.add(update)
    session.flush()
    session.add(
        Photo(
            key="0" * 32,
            update_id=update.id,
            uploaded_by=author.id,
            alt="The first bed",
            width=800,
            height=600,
        )
    )
    session.commit()
    return {"author": author, "other": other, "idea": idea, "project": project, "offer": offer}


TOKEN_PURPOSES = {
    "auth.confirm": "confirm",
    "auth.reset": "reset",
    "notifications.unsubscribe": "unsubscribe",
    "engagement.personal_calendar": "calendar",
}


def values_for(rule, w, session) -> dict:
    values = {
        "plural": "ideas",
        "item_id": w["idea"].id,
        "user_id": w["author"].id,
        "proposal_id": session.scalar(select(Proposal.id)),
        "slug": "brixton-acre-lane",
        "collection_id": "projects",
        "feature_id": str(w["project"].id),
        "code": "E05014095",
        "scope": "all",
        "fmt": "csv",
        "kind": "comment",
        "target_id": session.scalar(select(Comment.id)),
        "message_id": session.scalar(select(Message.id)),
        "key": "0" * 32,
    }
    purpose = TOKEN_PURPOSES.get(rule.endpoint)
    if purpose:  # the pages a mailed link opens, with a link that works
        with current_app.test_request_context():
            values["token"] = tokens.make(purpose, w["author"])
    for name, converter in rule._converters.items():
        choices = getattr(converter, "items", None)
        if choices and values.get(name) not in choices:
            values[name] = sorted(choices)[0]
    return {k: v for k, v in values.items() if k in rule.arguments}


@pytest.mark.parametrize("who", ["visitor", "resident", "admin"])
def test_every_page_shows_readable_text(app, session, world, who):
    client = app.test_client()
    if who != "visitor":
        user = world["author"] if who == "resident" else make_user(session, role="admin")
        with client.session_transaction() as cookie:
            cookie["_user_id"] = user.get_id()
    visitor = Visitor(client)
    seen = 0
    for rule in page_rules(app):
        with app.test_request_context():
            url = app.url_map.bind("localhost").build(
                rule.endpoint, values_for(rule, world, session)
            )
        if rule.endpoint == "map.items_json":
            url += "?bbox=-0.15,51.44,-0.09,51.47&zoom=16"
        response = visitor.get(url)
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code != 200 or not response.mimetype.startswith("text/html"):
            continue
        body = response.get_data(as_text=True)
        visible = re.sub(r"<script.*?</script>|<[^>]+>", " ", body, flags=re.S)
        found = PYTHON.search(visible)
        assert found is None, (url, visible[max(found.start() - 80, 0) : found.end() + 80])
        seen += 1
    assert seen >= 10
