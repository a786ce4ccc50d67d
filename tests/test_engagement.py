"""Appreciate, comment, propose, volunteer and get in touch."""

from sqlalchemy import func, select

from civicmap.models import Appreciation, Comment, Message, Proposal, Volunteering
from tests.factories import make_initiative


def total(session, model, **where):
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return session.scalar(query)


def make_proposal(session, visitor, item, needed=2, **values):
    response = visitor.post(
        f"/{item.kind}s/{item.id}/proposals",
        {"action": "I will bring spades and gloves", "volunteers_needed": str(needed)} | values,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    return session.scalar(select(Proposal).order_by(Proposal.id.desc()))


# --- appreciate -------------------------------------------------------------------------------


def test_appreciating_once_with_a_note_shows_the_count_and_the_note(as_person, session, visitor):
    item = make_initiative(session)
    fan, _ = as_person(name="Fan")
    assert (
        fan.post(f"/projects/{item.id}/appreciate", {"note": "Brilliant work"}).status_code == 302
    )
    page = visitor.get(f"/projects/{item.id}").get_data(as_text=True)
    assert '<dd id="appreciation-count">1</dd>' in page
    assert "Brilliant work" in page


def test_appreciating_twice_is_refused(as_person, session):
    item = make_initiative(session)
    fan, _ = as_person()
    fan.post(f"/projects/{item.id}/appreciate", {"note": ""})
    again = fan.post(f"/projects/{item.id}/appreciate", {"note": "again"})
    assert again.status_code == 409
    assert "already appreciated" in again.get_data(as_text=True)
    assert total(session, Appreciation) == 1


def test_an_appreciation_can_be_taken_back(as_person, session):
    item = make_initiative(session, kind="idea")
    fan, _ = as_person()
    fan.post(f"/ideas/{item.id}/appreciate", {"note": ""})
    assert fan.post(f"/ideas/{item.id}/unappreciate").status_code == 302
    assert total(session, Appreciation) == 0


def test_offers_cannot_be_appreciated(as_person, session):
    offer = make_initiative(session, kind="offer")
    fan, _ = as_person()
    assert fan.post(f"/offers/{offer.id}/appreciate", {"note": ""}).status_code == 422
    assert total(session, Appreciation) == 0


def test_an_over_long_note_is_refused_and_kept(as_person, session):
    item = make_initiative(session)
    fan, _ = as_person()
    response = fan.post(f"/projects/{item.id}/appreciate", {"note": "n" * 281})
    assert response.status_code == 422
    assert "n" * 281 in response.get_data(as_text=True)
    assert total(session, Appreciation) == 0


# --- discuss ----------------------------------------------------------------------------------


def test_an_idea_has_a_threaded_discussion(as_person, session, visitor):
    idea = make_initiative(session, kind="idea")
    ann, _ = as_person(name="Ann")
    ann.post(f"/ideas/{idea.id}/comments", {"body": "First thought"})
    first = session.scalar(select(Comment))
    bob, _ = as_person(name="Bob")
    bob.post(f"/ideas/{idea.id}/comments", {"body": "A reply", "parent_id": str(first.id)})
    reply = session.scalar(select(Comment).where(Comment.parent_id == first.id))
    ann.post(f"/ideas/{idea.id}/comments", {"body": "Reply to reply", "parent_id": str(reply.id)})
    page = visitor.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert page.index("First thought") < page.index("A reply") < page.index("Reply to reply")
    assert 'class="comment depth-2"' in page


def test_a_reply_to_a_comment_elsewhere_is_refused(as_person, session):
    one, two = make_initiative(session, kind="idea"), make_initiative(session, kind="idea")
    ann, _ = as_person()
    ann.post(f"/ideas/{one.id}/comments", {"body": "Here"})
    parent = session.scalar(select(Comment))
    response = ann.post(f"/ideas/{two.id}/comments", {"body": "There", "parent_id": str(parent.id)})
    assert response.status_code == 422
    assert total(session, Comment) == 1


def test_script_in_a_comment_never_runs(as_person, session, visitor):
    item = make_initiative(session, kind="idea")
    ann, _ = as_person()
    ann.post(
        f"/ideas/{item.id}/comments",
        {"body": "<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))"},
    )
    page = visitor.get(f"/ideas/{item.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert 'href="javascript:' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- propose and volunteer ----------------------------------------------------------------------


def test_proposing_an_action_and_volunteering_until_it_is_full(as_person, session, visitor):
    item = make_initiative(session)
    proposer, _ = as_person(name="Proposer")
    proposal = make_proposal(session, proposer, item, needed=2)
    assert proposal.status == "open"
    first, _ = as_person(name="First Helper")
    second, _ = as_person(name="Second Helper")
    third, _ = as_person(name="Too Late")
    assert (
        first.post(f"/proposals/{proposal.id}/volunteer", {"note": "Saturdays"}).status_code == 302
    )
    assert second.post(f"/proposals/{proposal.id}/volunteer", {"note": ""}).status_code == 302
    session.refresh(proposal)
    assert proposal.status == "full"
    refused = third.post(f"/proposals/{proposal.id}/volunteer", {"note": ""})
    assert refused.status_code == 409
    assert "already has all the volunteers it needs" in refused.get_data(as_text=True)
    assert total(session, Volunteering, proposal_id=proposal.id) == 2
    public = visitor.get(f"/projects/{item.id}").get_data(as_text=True)
    assert "Full" in public and "2 of 2 volunteers" in public
    assert "First Helper" not in public  # volunteers are shown to the proposer only
    own = proposer.get(f"/projects/{item.id}").get_data(as_text=True)
    assert "First Helper" in own and "Saturdays" in own


def test_volunteering_twice_for_the_same_proposal_is_refused(as_person, session):
    item = make_initiative(session)
    proposer, _ = as_person()
    proposal = make_proposal(session, proposer, item, needed=5)
    helper, _ = as_person()
    helper.post(f"/proposals/{proposal.id}/volunteer", {"note": ""})
    again = helper.post(f"/proposals/{proposal.id}/volunteer", {"note": ""})
    assert again.status_code == 409
    assert "already volunteered" in again.get_data(as_text=True)


def test_withdrawing_frees_a_place_in_a_full_proposal(as_person, session):
    item = make_initiative(session)
    proposer, _ = as_person()
    proposal = make_proposal(session, proposer, item, needed=1)
    helper, _ = as_person()
    helper.post(f"/proposals/{proposal.id}/volunteer", {"note": ""})
    session.refresh(proposal)
    assert proposal.status == "full"
    assert helper.post(f"/proposals/{proposal.id}/withdraw").status_code == 302
    session.refresh(proposal)
    assert proposal.status == "open"


def test_the_proposer_marks_done_or_withdraws_and_nobody_else_can(as_person, session):
    item = make_initiative(session)
    proposer, _ = as_person()
    proposal = make_proposal(session, proposer, item)
    other, _ = as_person()
    assert other.post(f"/proposals/{proposal.id}/status/done").status_code == 403
    assert proposer.post(f"/proposals/{proposal.id}/status/done").status_code == 302
    session.refresh(proposal)
    assert proposal.status == "done"
    late, _ = as_person()
    assert late.post(f"/proposals/{proposal.id}/volunteer", {"note": ""}).status_code == 409


def test_volunteers_needed_must_be_0_to_100(as_person, session):
    item = make_initiative(session)
    proposer, _ = as_person()
    response = proposer.post(
        f"/projects/{item.id}/proposals", {"action": "I will help", "volunteers_needed": "101"}
    )
    assert response.status_code == 422
    assert "Ask for between 0 and 100." in response.get_data(as_text=True)
    assert total(session, Proposal) == 0


def test_the_proposer_messages_a_volunteer_and_only_a_volunteer(as_person, session):
    item = make_initiative(session)
    proposer, _ = as_person()
    proposal = make_proposal(session, proposer, item)
    helper_client, helper = as_person(name="Helper")
    _, stranger = as_person()
    helper_client.post(f"/proposals/{proposal.id}/volunteer", {"note": ""})
    sent = proposer.post(f"/proposals/{proposal.id}/message/{helper.id}", {"body": "See you at 10"})
    assert sent.status_code == 302
    refused = proposer.post(f"/proposals/{proposal.id}/message/{stranger.id}", {"body": "Hi"})
    assert refused.status_code == 422
    inbox = helper_client.get("/me/messages").get_data(as_text=True)
    assert "See you at 10" in inbox


# --- offers: get in touch ---------------------------------------------------------------------


def test_getting_in_touch_about_an_offer_reveals_no_email(as_person, session):
    offerer_client, offerer = as_person(name="Offerer")
    offer = make_initiative(session, kind="offer", author=offerer)
    asker_client, asker = as_person(name="Asker")
    response = asker_client.post(
        f"/offers/{offer.id}/contact", {"body": "Could you help on Sunday?"}
    )
    assert response.status_code == 302
    assert total(session, Message, recipient_id=offerer.id) == 1
    inbox = offerer_client.get("/me/messages").get_data(as_text=True)
    assert "Could you help on Sunday?" in inbox and "Asker" in inbox
    assert asker.email not in inbox
    message = session.scalar(select(Message))
    reply = offerer_client.post(f"/me/messages/{message.id}/reply", {"body": "Yes, happy to"})
    assert reply.status_code == 302
    assert "Yes, happy to" in asker_client.get("/me/messages").get_data(as_text=True)
    assert offerer.email not in asker_client.get(f"/offers/{offer.id}").get_data(as_text=True)


def test_my_civicmap_lists_what_i_did_and_received(as_person, session):
    me_client, me = as_person()
    mine = make_initiative(session, author=me, title="My own garden")
    fan, _ = as_person(name="Admirer")
    fan.post(f"/projects/{mine.id}/appreciate", {"note": "Lovely"})
    other = make_initiative(session, title="Someone else's")
    proposal = make_proposal(session, me_client, other, needed=3)
    page = me_client.get("/me").get_data(as_text=True)
    assert "My own garden" in page
    assert "Admirer" in page and "Lovely" in page
    assert f"/proposals/{proposal.id}" in page
