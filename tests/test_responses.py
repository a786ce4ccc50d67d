"""The council answers: an officer's official response shows at the top of the item, on its
ward's page and in the API and OGC properties, and its author and followers are told."""

from sqlalchemy import select

from civicmap.models import Follow, Notification, OfficialResponse, Proposal
from tests.conftest import run_jobs
from tests.factories import ACRE_LANE, make_initiative


def respond(visitor, item, **data):
    values = {
        "status": "referred",
        "team": "Parks and open spaces",
        "body": "We have passed this to the parks team, who will visit in May.",
    } | data
    return visitor.post(f"/officers/respond/ideas/{item.id}", values)


def test_an_officer_answers_and_everyone_concerned_sees_it(as_person, session, visitor):
    officer, _ = as_person(role="officer")
    _author_visitor, author = as_person()
    fan_visitor, fan = as_person()
    item = make_initiative(session, kind="idea", at=ACRE_LANE, author=author, title="Benches")
    session.add(Follow(user_id=fan.id, target_kind="item", target_id=item.id))
    session.commit()
    assert "Answer for the council" in officer.get(f"/ideas/{item.id}").get_data(as_text=True)
    assert respond(officer, item).status_code == 302
    page = visitor.get(f"/ideas/{item.id}").get_data(as_text=True)
    assert "The council&#39;s response" in page or "The council's response" in page
    assert "Referred to a council service" in page and "Parks and open spaces" in page
    assert "Answer for the council" not in page  # the form is for officers only
    ward = visitor.get("/areas/brixton-acre-lane").get_data(as_text=True)
    assert "Benches" in ward and "Referred to a council service" in ward
    feature = visitor.get(f"/api/v1/ideas/{item.id}").get_json()
    assert feature["properties"]["council_response"]["status"] == "referred"
    ogc = visitor.get("/ogc/collections/ideas/items", query_string={"f": "json"}).get_json()
    assert ogc["features"][0]["properties"]["council_response"]["team"] == "Parks and open spaces"
    run_jobs(session, "fan_out")
    told = session.scalars(select(Notification.user_id).where(Notification.event == "response"))
    assert set(told) == {author.id, fan.id}
    assert "The council responded to Benches" in fan_visitor.get("/me/notifications").get_data(
        as_text=True
    )


def test_only_officers_answer_and_an_empty_answer_is_refused(as_person, session):
    resident, _ = as_person()
    officer, _ = as_person(role="officer")
    item = make_initiative(session, kind="idea", at=ACRE_LANE)
    assert respond(resident, item).status_code == 403
    refused = respond(officer, item, body="  ", team="Highways")
    assert refused.status_code == 422 and 'value="Highways"' in refused.get_data(as_text=True)
    assert session.scalar(select(OfficialResponse)) is None


def test_items_without_a_response_say_nothing_of_one(visitor, session):
    item = make_initiative(session, kind="idea", at=ACRE_LANE)
    feature = visitor.get(f"/api/v1/ideas/{item.id}").get_json()
    assert feature["properties"]["council_response"] is None


def test_the_dashboard_shows_where_the_council_has_still_to_answer(as_person, session):
    import re

    from sqlalchemy import update

    from civicmap.models import Initiative, Proposal

    officer, _ = as_person(role="officer")
    answered = make_initiative(session, kind="idea", at=ACRE_LANE)
    waiting = make_initiative(session, kind="project", at=ACRE_LANE)
    make_initiative(session, kind="offer", at=ACRE_LANE)  # nobody has written about it
    session.execute(
        update(Initiative)
        .where(Initiative.id.in_([answered.id, waiting.id]))
        .values(created_at=func_days_ago(4))
    )
    session.add(
        Proposal(
            initiative_id=waiting.id,
            initiative_kind="project",
            author_id=waiting.author_id,
            action="Full already",
            volunteers_needed=1,
            status="full",
        )
    )
    session.commit()
    assert respond(officer, answered).status_code == 302
    page = officer.get("/officers").get_data(as_text=True)
    page = page[page.index('id="answers"') :]
    row = re.search(
        r'href="/areas/brixton-acre-lane">Brixton Acre Lane</a></th>(.*?)</tr>', page, re.S
    )[1]
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert cells[0] == "1" and cells[1] == "4"  # one waiting, for four days
    assert cells[2].startswith("4.")  # answered four days after it was shared
    assert cells[3:] == ["1", "1"]


def func_days_ago(days: int):
    from sqlalchemy import func, text

    return func.now() - text(f"interval '{days} days'")


def test_an_officer_answers_a_proposal_and_its_people_hear(as_person, session, visitor):
    officer, _ = as_person(role="officer")
    proposer, proposer_user = as_person()
    item = make_initiative(session, kind="idea", at=ACRE_LANE, title="Benches")
    proposer.post(f"/ideas/{item.id}/proposals", {"action": "Paint them", "volunteers_needed": 2})
    proposal = session.scalar(select(Proposal))
    helper, helper_user = as_person()
    helper.post(f"/proposals/{proposal.id}/volunteer", {"note": ""})
    page = officer.get(f"/ideas/{item.id}").get_data(as_text=True)
    assert f"/officers/respond/proposals/{proposal.id}" in page
    form = officer.get(f"/officers/respond/proposals/{proposal.id}")
    assert form.status_code == 200 and "Paint them" in form.get_data(as_text=True)
    answered = officer.post(
        f"/officers/respond/proposals/{proposal.id}",
        {"status": "supporting", "team": "Parks", "body": "We will bring the paint."},
    )
    assert answered.status_code == 302
    public = visitor.get(f"/ideas/{item.id}").get_data(as_text=True)
    assert "We will bring the paint." in public and "Answer this proposal" not in public
    assert (
        visitor.get(f"/api/v1/ideas/{item.id}").get_json()["properties"]["council_response"] is None
    )
    api = visitor.get("/api/v1/proposals").get_json()["features"][0]["properties"]
    assert api["council_response"]["team"] == "Parks"
    told = session.execute(
        select(Notification.user_id).where(Notification.event == "proposal_response")
    ).scalars()
    assert set(told) == {proposer_user.id, helper_user.id}
    resident, _ = as_person()
    assert resident.get(f"/officers/respond/proposals/{proposal.id}").status_code == 403
    empty = officer.post(
        f"/officers/respond/proposals/{proposal.id}", {"status": "supporting", "team": "Parks"}
    )
    assert empty.status_code == 422 and 'value="Parks"' in empty.get_data(as_text=True)
