"""Your data (UK GDPR): download everything held about you; delete your account, keeping what
you published as "a former member" unless you delete that too."""

import json

from geoalchemy2.shape import to_shape
from sqlalchemy import func, select

from civicmap.models import Comment, Initiative, Message, User
from tests.conftest import PASSWORD, Visitor
from tests.factories import ACRE_LANE, make_initiative


def test_download_my_data_holds_everything_about_me_and_nobody_else(as_person, session):
    me_visitor, me = as_person(name="Ada Example")
    other_visitor, other = as_person(name="Bo Other")
    offer = make_initiative(session, kind="offer", at=ACRE_LANE, author=me, title="Ladders to lend")
    idea = make_initiative(session, kind="idea", at=ACRE_LANE)
    me_visitor.post(f"/ideas/{idea.id}/comments", {"body": "My own comment"})
    other_visitor.post(f"/offers/{offer.id}/contact", {"body": "Could I borrow one?"})
    response = me_visitor.get("/me/data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == me.email
    assert data["items"][0]["title"] == "Ladders to lend"
    lon, lat = data["items"][0]["exact_point"]
    assert (round(lat, 5), round(lon, 5)) == (round(ACRE_LANE[0], 5), round(ACRE_LANE[1], 5))
    assert [c["body"] for c in data["comments"]] == ["My own comment"]
    assert [m["body"] for m in data["messages_received"]] == ["Could I borrow one?"]
    assert other.email not in response.get_data(as_text=True)
    geo = me_visitor.get("/me/items.geojson").get_json()
    assert geo["features"][0]["properties"]["title"] == "Ladders to lend"


def test_my_data_is_for_me_only(visitor, session):
    assert visitor.get("/me/data.json").status_code == 302


def test_deleting_my_account_erases_me_and_keeps_what_i_published(app, as_person, session, visitor):
    me_visitor, me = as_person(name="Ada Example")
    other_visitor, _other = as_person()
    offer = make_initiative(session, kind="offer", at=ACRE_LANE, author=me)
    project = make_initiative(session, at=ACRE_LANE, author=me, title="Street party")
    other_visitor.post(f"/offers/{offer.id}/contact", {"body": "Hello"})
    wrong = me_visitor.post("/me/delete", {"password": "not it"})
    assert wrong.status_code == 422 and "not your password" in wrong.get_data(as_text=True)
    email = me.email
    assert me_visitor.post("/me/delete", {"password": PASSWORD}).status_code == 302
    assert me_visitor.get("/me").status_code == 302  # logged out
    session.expire_all()
    gone = session.get(User, me.id)
    assert gone.display_name == "A former member" and gone.email != email and gone.bio == ""
    assert session.scalar(select(func.count()).select_from(Message)) == 0
    offer = session.get(Initiative, offer.id)
    exact, public = to_shape(offer.location), to_shape(offer.public_location)
    assert (round(exact.x, 6), round(exact.y, 6)) == (round(public.x, 6), round(public.y, 6))
    page = visitor.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Street party" in page and "A former member" in page and "Ada Example" not in page
    assert visitor.get(f"/people/{me.id}").status_code == 410
    login = Visitor(app.test_client()).post("/login", {"email": email, "password": PASSWORD})
    assert login.status_code == 422


def test_deleting_my_account_with_my_contributions(as_person, session, visitor):
    me_visitor, me = as_person()
    project = make_initiative(session, at=ACRE_LANE, author=me, title="Street party")
    idea = make_initiative(session, kind="idea", at=ACRE_LANE)
    me_visitor.post(f"/ideas/{idea.id}/comments", {"body": "Words to take back"})
    response = me_visitor.post("/me/delete", {"password": PASSWORD, "with_contributions": "y"})
    assert response.status_code == 302
    assert visitor.get(f"/projects/{project.id}").status_code == 410
    assert "Words to take back" not in visitor.get(f"/ideas/{idea.id}").get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(Comment.body)) == "Deleted"


def test_my_events_updates_and_photos_are_in_my_data_and_go_with_me(as_person, session):
    from datetime import UTC, datetime, timedelta

    from civicmap.models import Photo, Rsvp, Update

    me_visitor, me = as_person()
    waiting_visitor, waiting = as_person()
    starts = datetime.now(UTC) + timedelta(days=1)
    event = make_initiative(
        session, kind="event", at=ACRE_LANE, status="scheduled", starts_at=starts,
        ends_at=starts + timedelta(hours=1), capacity=1,
    )  # fmt: skip
    project = make_initiative(session, at=ACRE_LANE, author=me)
    me_visitor.post(f"/events/{event.id}/going")
    waiting_visitor.post(f"/events/{event.id}/going")
    me_visitor.post(f"/projects/{project.id}/updates", {"update_body": "Dug", "update_stage": ""})
    session.add(Photo(key="f" * 32, initiative_id=project.id, uploaded_by=me.id, alt="A bed",
                      width=10, height=10))  # fmt: skip
    session.commit()
    data = me_visitor.get("/me/data.json").get_json()
    assert [r["event"] for r in data["events_going"]] == [event.id]
    assert [u["body"] for u in data["updates"]] == ["Dug"]
    assert [p["alt"] for p in data["photos"]] == ["A bed"]

    response = me_visitor.post("/me/delete", {"password": PASSWORD, "with_contributions": "y"})
    assert response.status_code == 302
    session.expire_all()
    places = dict(session.execute(select(Rsvp.user_id, Rsvp.status)).tuples().all())
    assert places == {me.id: "cancelled", waiting.id: "going"}  # the place went to the next
    assert session.scalar(select(Update.body)) == "Deleted"
    assert session.scalar(select(Photo.hidden)) is True


def test_the_privacy_page_says_what_is_kept_and_for_how_long(client, session):
    page = client.get("/privacy").get_data(as_text=True)
    assert "What we keep" in page and "For how long" in page and "former member" in page
