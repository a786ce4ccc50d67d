"""Share a project, discuss an idea, offer support: create, show, edit, delete, moderate."""

from geoalchemy2.shape import to_shape
from sqlalchemy import func, select

from civicmap.models import Initiative
from tests.factories import ACRE_LANE, BRIXTON_STATION, PARLIAMENT, make_initiative


def project_form(**values):
    return {
        "title": "Herb garden on Coldharbour Lane",
        "summary": "Planting herbs for everyone.",
        "description": "We plant herbs.\nEveryone can pick them.",
        "category": "environment",
        "status": "active",
        "website": "",
        "lat": str(BRIXTON_STATION[0]),
        "lon": str(BRIXTON_STATION[1]),
    } | values


def count(session, kind=None):
    query = select(func.count()).select_from(Initiative)
    if kind:
        query = query.where(Initiative.kind == kind)
    return session.scalar(query)


def test_sharing_a_project_puts_it_in_its_ward_and_shows_it(as_person, session, visitor):
    me, _user = as_person(name="Amara")
    response = me.post("/projects/new", project_form())
    assert response.status_code == 302
    project = session.scalar(select(Initiative).where(Initiative.kind == "project"))
    assert response.headers["Location"] == f"/projects/{project.id}"
    assert project.ward.name == "Brixton Windrush"
    page = visitor.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Herb garden on Coldharbour Lane" in page
    assert 'href="/areas/brixton-windrush"' in page
    assert "Amara" in page
    assert "We plant herbs.<br" in page  # line breaks kept


def test_a_location_outside_lambeth_is_refused_and_the_form_kept(as_person, session):
    me, _ = as_person()
    response = me.post(
        "/projects/new", project_form(lat=str(PARLIAMENT[0]), lon=str(PARLIAMENT[1]))
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This location is outside Lambeth." in page
    assert 'value="Herb garden on Coldharbour Lane"' in page
    assert "We plant herbs." in page
    assert count(session) == 0


def test_a_missing_or_nonsense_location_is_explained(as_person, session):
    me, _ = as_person()
    missing = me.post("/projects/new", project_form(lat="", lon=""))
    assert missing.status_code == 422
    assert "Choose a location" in missing.get_data(as_text=True)
    nonsense = me.post("/projects/new", project_form(lat="north", lon="-0.1"))
    assert nonsense.status_code == 422
    assert "latitude and a longitude" in nonsense.get_data(as_text=True)
    assert count(session) == 0


def test_over_long_and_missing_fields_are_refused_next_to_the_field(as_person, session):
    me, _ = as_person()
    response = me.post(
        "/projects/new", project_form(title="x" * 121, description="", category="crypto")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Use 3 to 120 characters." in page
    assert "Describe it in a few sentences." in page
    assert "Not a valid choice" in page
    assert 'aria-invalid="true"' in page
    assert count(session) == 0


def test_a_website_must_be_a_web_address(as_person, session):
    me, _ = as_person()
    response = me.post("/projects/new", project_form(website="javascript:alert(1)"))
    assert response.status_code == 422
    assert count(session) == 0


def test_discussing_an_idea_and_turning_it_into_a_project(as_person, session, visitor):
    me, _ = as_person()
    response = me.post(
        "/ideas/new",
        project_form(
            title="Rain gardens on Acre Lane", lat=str(ACRE_LANE[0]), lon=str(ACRE_LANE[1])
        ),
    )
    assert response.status_code == 302
    idea = session.scalar(select(Initiative).where(Initiative.kind == "idea"))
    assert idea.status == "open"
    me.post(f"/ideas/{idea.id}/comments", {"body": "Great idea!"})
    made = me.post(f"/ideas/{idea.id}/make-project")
    assert made.status_code == 302
    project = session.scalar(select(Initiative).where(Initiative.kind == "project"))
    assert made.headers["Location"] == f"/projects/{project.id}/edit"
    assert project.from_idea_id == idea.id
    session.refresh(idea)
    assert idea.status == "adopted"
    page = visitor.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Great idea!" in page  # the project keeps the idea's discussion
    assert f'href="/ideas/{idea.id}"' in page


def test_only_the_author_turns_an_idea_into_a_project(as_person, session):
    _, author = as_person()
    idea = make_initiative(session, kind="idea", author=author)
    other, _ = as_person()
    assert other.post(f"/ideas/{idea.id}/make-project").status_code == 403
    assert count(session, "project") == 0


def test_an_offer_without_a_point_is_shown_at_its_ward_and_never_exactly(
    as_person, session, visitor
):
    me, _ = as_person()
    response = me.post(
        "/offers/new",
        {
            "title": "I can fix bikes",
            "description": "Bring your bike on Saturdays.",
            "category": "transport",
            "offer_type": "skills",
            "skills": "bike repair, welding",
            "availability": "Saturdays",
            "ward": "",
            "lat": f"{ACRE_LANE[0]:.6f}",
            "lon": f"{ACRE_LANE[1]:.6f}",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    offer = session.scalar(select(Initiative).where(Initiative.kind == "offer"))
    assert offer.skills == ["bike repair", "welding"]
    page = visitor.get(f"/offers/{offer.id}").get_data(as_text=True)
    exact = to_shape(offer.location)
    shown = to_shape(offer.public_location)
    assert f"{exact.y}" not in page and f"{exact.x}" not in page
    assert f"{ACRE_LANE[0]:.6f}" not in page
    assert f'data-lat="{shown.y}"' in page


def test_an_offer_needs_a_point_or_a_ward(as_person, session):
    me, _ = as_person()
    response = me.post(
        "/offers/new",
        {
            "title": "Garden tools",
            "description": "Spades and forks.",
            "category": "environment",
            "offer_type": "equipment",
            "ward": "",
            "lat": "",
            "lon": "",
        },
    )
    assert response.status_code == 422
    assert "Choose the ward you can help in" in response.get_data(as_text=True)
    assert count(session) == 0


def test_the_author_edits_their_item_and_others_are_forbidden(as_person, session):
    me, author = as_person()
    item = make_initiative(session, author=author)
    response = me.post(f"/projects/{item.id}/edit", project_form(title="A better title"))
    assert response.status_code == 302
    session.refresh(item)
    assert item.title == "A better title"
    other, _ = as_person()
    assert other.get(f"/projects/{item.id}/edit").status_code == 403
    assert (
        other.post(f"/projects/{item.id}/edit", project_form(title="Hijacked")).status_code == 403
    )
    assert other.post(f"/projects/{item.id}/delete").status_code == 403
    session.refresh(item)
    assert item.title == "A better title"


def test_editing_moves_the_item_to_its_new_ward(as_person, session):
    me, author = as_person()
    item = make_initiative(session, author=author, at=BRIXTON_STATION)
    me.post(f"/projects/{item.id}/edit", project_form(lat=str(ACRE_LANE[0]), lon=str(ACRE_LANE[1])))
    session.refresh(item)
    assert item.ward.name == "Brixton Acre Lane"


def test_deleting_hides_the_item_and_its_page_answers_410(as_person, session, visitor):
    me, author = as_person()
    item = make_initiative(session, author=author)
    assert me.post(f"/projects/{item.id}/delete").status_code == 302
    session.refresh(item)
    assert item.hidden and item.hidden_reason == "deleted"
    assert count(session) == 1  # kept, not destroyed
    assert visitor.get(f"/projects/{item.id}").status_code == 410


def test_moderators_hide_and_restore_any_item_and_residents_cannot(as_person, session, visitor):
    item = make_initiative(session)
    resident, _ = as_person()
    assert resident.post(f"/projects/{item.id}/moderate", {"action": "hide"}).status_code == 403
    moderator, _ = as_person(role="moderator")
    assert moderator.post(f"/projects/{item.id}/moderate", {"action": "hide"}).status_code == 302
    assert visitor.get(f"/projects/{item.id}").status_code == 410
    assert moderator.get(f"/projects/{item.id}").status_code == 200  # to restore it
    moderator.post(f"/projects/{item.id}/moderate", {"action": "restore"})
    assert visitor.get(f"/projects/{item.id}").status_code == 200


def test_unknown_items_are_404_and_the_kind_must_match(visitor, session):
    item = make_initiative(session, kind="idea")
    assert visitor.get("/projects/999999").status_code == 404
    assert visitor.get(f"/projects/{item.id}").status_code == 404
    assert visitor.get(f"/ideas/{item.id}").status_code == 200
