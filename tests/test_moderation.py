"""Reports and moderation of everything: one report per person per thing, auto-hide after three
people, the queue, hide/restore/dismiss, suspension in one step, blocks, and the append-only log.
Hidden things vanish from every surface."""

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from civicmap.models import Appreciation, Comment, Message, ModerationEntry, Proposal, Report
from tests.conftest import PASSWORD, Visitor
from tests.factories import ACRE_LANE, make_initiative

LAMBETH = "-0.16,51.40,-0.07,51.51"


def report(visitor, kind, target_id, reason="spam", note=""):
    return visitor.post(f"/report/{kind}/{target_id}", {"reason": reason, "note": note})


def surfaces(visitor, item) -> dict[str, bool]:
    """Where an item can be seen: True where it still shows."""
    plural = {"project": "projects", "idea": "ideas", "offer": "offers"}[item.kind]
    pins = visitor.get("/map/items.json", query_string={"bbox": LAMBETH, "zoom": 16}).get_json()
    api = visitor.get(f"/api/v1/{plural}").get_json()
    ogc = visitor.get(f"/ogc/collections/{plural}/items", query_string={"f": "json"}).get_json()
    return {
        "page": visitor.get(f"/{plural}/{item.id}").status_code == 200,
        "map": any(row[0] == item.id and row[1] == item.kind for row in pins["items"]),
        "list": f'/{plural}/{item.id}"' in visitor.get("/list").get_data(as_text=True),
        "api": any(f["id"] == item.id for f in api["features"]),
        "ogc": any(f["id"] == item.id for f in ogc["features"]),
        "csv": f"\r\n{item.id}," in visitor.get("/data/all.csv").get_data(as_text=True),
        "feed": f"/{plural}/{item.id}<" in visitor.get("/feed.atom").get_data(as_text=True),
        "ward": item.title in visitor.get(f"/areas/{item.ward.slug}").get_data(as_text=True),
    }


def test_one_report_per_person_per_thing(as_person, session):
    me, _ = as_person()
    item = make_initiative(session, at=ACRE_LANE)
    assert report(me, "item", item.id).status_code == 302
    again = report(me, "item", item.id, reason="abuse")
    assert again.status_code == 409
    assert "already" in again.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Report)) == 1


def test_other_needs_a_note_and_your_own_cannot_be_reported(as_person, session):
    me, user = as_person()
    theirs = make_initiative(session, at=ACRE_LANE)
    response = report(me, "item", theirs.id, reason="other")
    assert response.status_code == 422 and "Say what is wrong" in response.get_data(as_text=True)
    mine = make_initiative(session, at=ACRE_LANE, author=user)
    assert report(me, "item", mine.id).status_code == 422


def test_three_reports_hide_an_item_everywhere_until_review(as_person, session, visitor):
    author_visitor, author = as_person()
    item = make_initiative(session, at=ACRE_LANE, author=author, title="Buy cheap watches")
    assert all(surfaces(visitor, item).values()), surfaces(visitor, item)
    for _ in range(2):
        reporter, _user = as_person()
        assert report(reporter, "item", item.id).status_code == 302
    assert all(surfaces(visitor, item).values())  # two people are not enough
    third, _user = as_person()
    assert report(third, "item", item.id, reason="abuse").status_code == 302
    session.refresh(item)
    assert item.hidden and item.hidden_reason == "reported"
    assert not any(surfaces(visitor, item).values()), surfaces(visitor, item)
    # Its author is told why, and can ask for a review once.
    me_page = author_visitor.get("/me").get_data(as_text=True)
    assert "Hidden by moderation" in me_page and "pending review" in me_page
    url = f"/me/review/item/{item.id}"
    assert author_visitor.post(url).status_code == 302
    assert author_visitor.post(url).status_code == 409


def test_moderators_review_the_queue_and_restore(as_person, session, visitor):
    moderator, _mod_user = as_person(role="moderator")
    item = make_initiative(session, at=ACRE_LANE, title="A fine community garden")
    for _ in range(3):
        reporter, _user = as_person()
        report(reporter, "item", item.id, reason="off_topic")
    queue = moderator.get("/moderation")
    assert queue.status_code == 200
    text = queue.get_data(as_text=True)
    assert "A fine community garden" in text and "3 reports" in text
    assert "A fine community garden" not in moderator.get("/moderation?reason=spam").get_data(
        as_text=True
    )
    response = moderator.post(f"/moderation/item/{item.id}/restore", {"reason": "It is fine"})
    assert response.status_code == 302
    session.refresh(item)
    assert not item.hidden
    assert all(surfaces(visitor, item).values())
    actions = session.scalars(select(ModerationEntry.action).order_by(ModerationEntry.id)).all()
    assert actions == ["auto-hidden", "restore"]
    assert "No open reports" in moderator.get("/moderation").get_data(as_text=True)


def test_residents_cannot_moderate(as_person, session):
    resident, _ = as_person()
    item = make_initiative(session, at=ACRE_LANE)
    assert resident.get("/moderation").status_code == 403
    assert resident.get("/moderation/log").status_code == 403
    response = resident.post(f"/moderation/item/{item.id}/hide", {"reason": "mine now"})
    assert response.status_code == 403
    session.refresh(item)
    assert not item.hidden


@pytest.mark.parametrize("kind", ["comment", "proposal", "appreciation"])
def test_hiding_what_people_wrote_on_an_item(as_person, session, visitor, kind):
    moderator, _ = as_person(role="moderator")
    writer, _writer_user = as_person()
    item = make_initiative(session, kind="idea", at=ACRE_LANE)
    text = "Words a moderator will hide"
    if kind == "comment":
        writer.post(f"/ideas/{item.id}/comments", {"body": text})
        target = session.scalar(select(Comment))
    elif kind == "proposal":
        writer.post(f"/ideas/{item.id}/proposals", {"action": text, "volunteers_needed": 2})
        target = session.scalar(select(Proposal))
    else:
        writer.post(f"/ideas/{item.id}/appreciate", {"note": text})
        target = session.scalar(select(Appreciation))
    assert text in visitor.get(f"/ideas/{item.id}").get_data(as_text=True)
    response = moderator.post(f"/moderation/{kind}/{target.id}/hide", {"reason": "Off topic"})
    assert response.status_code == 302
    assert text not in visitor.get(f"/ideas/{item.id}").get_data(as_text=True)
    if kind == "proposal":
        api = visitor.get("/api/v1/proposals").get_json()
        assert api["numberMatched"] == 0
        pins = visitor.get("/map/items.json", query_string={"bbox": LAMBETH, "kind": "proposal"})
        assert pins.get_json()["items"] == []
    if kind == "appreciation":  # the appreciation still counts; only its note is hidden
        assert session.scalar(select(func.count()).select_from(Appreciation)) == 1
    entry = session.scalar(select(ModerationEntry))
    assert (entry.action, entry.target_kind, entry.reason) == ("hide", kind, "Off topic")


def test_a_message_is_reported_by_its_recipient_only_and_hidden(as_person, session):
    sender, _ = as_person()
    recipient_visitor, recipient = as_person()
    bystander, _ = as_person()
    moderator, _ = as_person(role="moderator")
    offer = make_initiative(session, kind="offer", at=ACRE_LANE, author=recipient)
    sender.post(f"/offers/{offer.id}/contact", {"body": "Unwanted words"})
    message = session.scalar(select(Message))
    assert report(bystander, "message", message.id).status_code == 403
    assert report(recipient_visitor, "message", message.id, reason="abuse").status_code == 302
    moderator.post(f"/moderation/message/{message.id}/hide", {"reason": "Harassment"})
    assert "Unwanted words" not in recipient_visitor.get("/me/messages").get_data(as_text=True)


def test_a_hidden_profile_answers_410(as_person, session, visitor):
    moderator, _ = as_person(role="moderator")
    _v, user = as_person(name="Spammy Name")
    moderator.post(f"/moderation/profile/{user.id}/hide", {"reason": "Advertising"})
    assert visitor.get(f"/people/{user.id}").status_code == 410


def test_suspending_hides_everything_in_one_step_and_restoring_brings_it_back(
    app, as_person, session, visitor
):
    moderator, _ = as_person(role="moderator")
    troll_visitor, troll = as_person()
    item = make_initiative(session, kind="idea", at=ACRE_LANE, author=troll)
    other = make_initiative(session, kind="idea", at=ACRE_LANE)
    troll_visitor.post(f"/ideas/{other.id}/comments", {"body": "Troll words"})
    response = moderator.post(
        f"/moderation/people/{troll.id}/suspend", {"reason": "Repeated abuse"}
    )
    assert response.status_code == 302
    assert troll_visitor.get("/me").status_code == 302  # the session ended
    login = Visitor(app.test_client()).post("/login", {"email": troll.email, "password": PASSWORD})
    assert login.status_code == 422 and "suspended" in login.get_data(as_text=True)
    assert not any(surfaces(visitor, item).values())
    assert "Troll words" not in visitor.get(f"/ideas/{other.id}").get_data(as_text=True)
    moderator.post(f"/moderation/people/{troll.id}/unsuspend", {"reason": "Apologised"})
    assert all(surfaces(visitor, item).values())
    assert "Troll words" in visitor.get(f"/ideas/{other.id}").get_data(as_text=True)


def test_a_blocked_person_cannot_message_or_volunteer(as_person, session):
    blocker_visitor, blocker = as_person()
    pest, pest_user = as_person()
    offer = make_initiative(session, kind="offer", at=ACRE_LANE, author=blocker)
    idea = make_initiative(session, kind="idea", at=ACRE_LANE, author=blocker)
    blocker_visitor.post(
        f"/ideas/{idea.id}/proposals", {"action": "Paint it", "volunteers_needed": 3}
    )
    proposal = session.scalar(select(Proposal))
    assert blocker_visitor.post(f"/people/{pest_user.id}/block").status_code == 302
    assert pest.post(f"/offers/{offer.id}/contact", {"body": "Hello again"}).status_code == 403
    assert pest.post(f"/proposals/{proposal.id}/volunteer", {"note": ""}).status_code == 403
    event = make_initiative(
        session, kind="event", at=ACRE_LANE, author=blocker, status="scheduled",
        starts_at=sa.func.now() + sa.text("interval '1 day'"),
        ends_at=sa.func.now() + sa.text("interval '26 hours'"),
    )  # fmt: skip
    assert pest.post(f"/events/{event.id}/going").status_code == 403
    assert session.scalar(select(func.count()).select_from(Message)) == 0


def test_the_moderation_log_is_append_only_and_exportable(as_person, session):
    moderator, _ = as_person(role="moderator")
    item = make_initiative(session, at=ACRE_LANE)
    moderator.post(f"/moderation/item/{item.id}/hide", {"reason": "Spam"})
    with pytest.raises(sa.exc.DBAPIError) as refused, session.begin_nested():
        session.execute(sa.text("UPDATE moderation_log SET reason = 'changed'"))
    assert refused.value.orig.sqlstate == "CM004"
    with pytest.raises(sa.exc.DBAPIError), session.begin_nested():
        session.execute(sa.text("DELETE FROM moderation_log"))
    page = moderator.get("/moderation/log").get_data(as_text=True)
    assert "Spam" in page
    exported = moderator.get("/moderation/log.csv")
    assert exported.mimetype == "text/csv" and "hide,item" in exported.get_data(as_text=True)
