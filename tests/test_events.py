"""Events and meetings (issue #13): made on the map or online, refused clearly when the times,
place or capacity are wrong, RSVP with a waiting list the database keeps under a crowd, .ics
that round-trips, this week / this month, the ward page, and what happened afterwards."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from sqlalchemy import select, text

from civicmap import clock
from civicmap.extensions import db
from civicmap.geo import parse_point, to_db
from civicmap.models import Event, Initiative, Notification, Rsvp, User
from tests.conftest import run_jobs
from tests.factories import ACRE_LANE, BRIXTON_STATION, PARLIAMENT, make_initiative
from tests.test_crowd import HASH, at_once, committed, crowd, scalar, statuses

SOON = date.today() + timedelta(days=3)
LONDON = ZoneInfo("Europe/London")


def event_form(**changes) -> dict:
    form = {
        "title": "Planting day on the estate",
        "description": "Bring gloves; we have the bulbs.",
        "category": "environment",
        "starts_on": SOON.isoformat(),
        "start_time": "10:00",
        "end_time": "13:00",
        "capacity": "2",
        "accessibility": "Step-free access; seating available",
        "lat": str(BRIXTON_STATION[0]),
        "lon": str(BRIXTON_STATION[1]),
    }
    return form | changes


def make_event(session, author=None, starts=None, capacity=None, **values):
    starts = starts or datetime.now(UTC) + timedelta(days=2)
    return make_initiative(
        session,
        "event",
        author=author,
        status="scheduled",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=capacity,
        **values,
    )


def test_an_event_is_made_on_the_map_in_local_time(session, as_person):
    visitor, _ = as_person()
    made = visitor.post("/events/new", event_form())
    assert made.status_code == 302, made.get_data(as_text=True)[:1500]
    event = session.scalar(select(Initiative).where(Initiative.kind == "event"))
    assert event.starts_at.astimezone(LONDON).hour == 10  # typed in London time, stored as a moment
    assert event.ends_at - event.starts_at == timedelta(hours=3)
    page = visitor.get(made.headers["Location"]).get_data(as_text=True)
    assert "Planting day on the estate" in page
    assert "0 going of 2 places" in page
    assert "Step-free access; seating available" in page
    assert "10:00" in page and "13:00" in page


def test_an_online_event_needs_a_link_and_a_ward(session, as_person):
    visitor, _ = as_person()
    ward_id = session.scalar(text("SELECT id FROM wards ORDER BY id LIMIT 1"))
    online = event_form(lat="", lon="", online_url="https://meet.example.org/forum")
    refused = visitor.post("/events/new", online)
    assert refused.status_code == 422
    assert "give its link online and the ward it is for" in refused.get_data(as_text=True)
    made = visitor.post("/events/new", online | {"ward": str(ward_id)})
    assert made.status_code == 302
    event = session.scalar(select(Initiative).where(Initiative.kind == "event"))
    assert event.location is None and event.ward_id == ward_id
    page = visitor.get(made.headers["Location"]).get_data(as_text=True)
    assert "An online event: the pin marks the ward it is for." in page
    assert 'href="https://meet.example.org/forum"' in page
    listed = visitor.get("/list?kind=event").get_data(as_text=True)
    assert "Planting day on the estate" in listed and "appreciation" not in listed


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starts_on": (date.today() - timedelta(days=1)).isoformat()}, "not in the past"),
        ({"end_time": "09:00"}, "must end after it starts"),
        ({"end_time": ""}, "Give the time it ends"),
        ({"lat": str(PARLIAMENT[0]), "lon": str(PARLIAMENT[1])}, "outside"),
        ({"capacity": "0"}, "between 1 and 10,000"),
        ({"online_url": "http://insecure.example.org"}, "starting with https://"),
        ({"title": ""}, "Give it a title."),
    ],
)
def test_a_wrong_event_is_explained_and_the_form_kept(session, as_person, changes, message):
    visitor, _ = as_person()
    response = visitor.post("/events/new", event_form(**changes))
    body = response.get_data(as_text=True)
    assert response.status_code == 422, body[:500]
    assert message in body
    assert "Bring gloves; we have the bulbs." in body  # what was typed is kept
    made = text("SELECT count(*) FROM initiatives WHERE title = 'Planting day on the estate'")
    assert session.scalar(made) == 0


def test_capacity_cannot_go_below_those_going(session, as_person):
    organiser_visitor, organiser = as_person()
    # A morning, so the edit below (a day, a start and an end time) never crosses midnight.
    morning = datetime.combine(SOON, time(10, 0), tzinfo=LONDON)
    event = make_event(session, author=organiser, starts=morning, capacity=3)
    for _ in range(2):
        guest, _user = as_person()
        assert guest.post(f"/events/{event.id}/going").status_code == 302
    edit = organiser_visitor.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert 'name="capacity"' in edit and 'value="3"' in edit
    form = event_form(capacity="1", title=event.title, version=str(event.version))
    starts = event.starts_at.astimezone(LONDON)
    form |= {
        "starts_on": starts.date().isoformat(),
        "start_time": starts.strftime("%H:%M"),
        "end_time": event.ends_at.astimezone(LONDON).strftime("%H:%M"),
    }
    refused = organiser_visitor.post(f"/events/{event.id}/edit", form)
    assert refused.status_code == 422
    assert "2 people are already going: give at least 2 places." in refused.get_data(as_text=True)


def test_the_waiting_list_moves_up_and_tells_who_got_the_place(session, as_person):
    event = make_event(session, capacity=1)
    first, ann = as_person()
    second, bo = as_person()
    assert first.post(f"/events/{event.id}/going").status_code == 302
    assert second.post(f"/events/{event.id}/going").status_code == 302
    statuses_now = dict(session.execute(select(Rsvp.user_id, Rsvp.status)).tuples().all())
    assert statuses_now == {ann.id: "going", bo.id: "waiting"}
    page = second.get(f"/events/{event.id}").get_data(as_text=True)
    assert "You are on the waiting list: number 1." in page

    assert first.post(f"/events/{event.id}/not-going").status_code == 302
    session.expire_all()
    statuses_now = dict(session.execute(select(Rsvp.user_id, Rsvp.status)).tuples().all())
    assert statuses_now == {ann.id: "cancelled", bo.id: "going"}
    told = session.scalar(
        select(Notification).where(
            Notification.user_id == bo.id, Notification.event == "event_place"
        )
    )
    assert told is not None
    assert "A place came free: you are going to" in second.get("/me/notifications").get_data(
        as_text=True
    )


def test_the_organiser_sees_who_is_going_and_messages_them(session, as_person):
    organiser_visitor, organiser = as_person(name="Olu")
    event = make_event(session, author=organiser)
    guest, guest_user = as_person(name="Gita Guest")
    guest.post(f"/events/{event.id}/going")
    page = organiser_visitor.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Gita Guest" in page
    assert guest_user.email not in page  # display names only
    assert "Gita Guest" not in guest.get(f"/events/{event.id}").get_data(as_text=True)
    sent = organiser_visitor.post(f"/events/{event.id}/message", {"body": "Meet by the gate"})
    assert sent.status_code == 302
    assert "Meet by the gate" in guest.get("/me/messages").get_data(as_text=True)
    assert guest.post(f"/events/{event.id}/message", {"body": "x"}).status_code == 403


def test_cancelling_tells_everyone_and_refuses_new_rsvps(session, as_person):
    organiser_visitor, organiser = as_person()
    event = make_event(session, author=organiser)
    guest, guest_user = as_person()
    guest.post(f"/events/{event.id}/going")
    assert organiser_visitor.post(f"/events/{event.id}/cancel").status_code == 302
    assert session.scalar(
        select(Notification.id).where(
            Notification.user_id == guest_user.id, Notification.event == "event_cancelled"
        )
    )
    late, _ = as_person()
    refused = late.post(f"/events/{event.id}/going")
    assert refused.status_code == 409
    assert "This event has been cancelled." in refused.get_data(as_text=True)


def test_ics_round_trips_and_feeds_carry_events(session, as_person, client):
    _organiser_visitor, organiser = as_person()
    starts = datetime(2030, 7, 4, 17, 30, tzinfo=UTC)  # 18:30 in London, summer time
    event = make_event(
        session, author=organiser, starts=starts, title="Ward forum", accessibility="Hearing loop"
    )
    response = client.get(f"/events/{event.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    (entry,) = calendar.walk("VEVENT")
    assert str(entry["summary"]) == "Ward forum"
    assert entry.decoded("dtstart") == starts
    assert entry.decoded("dtend") == starts + timedelta(hours=2)
    assert "Hearing loop" in str(entry["description"])
    assert Calendar.from_ical(calendar.to_ical()).walk("VEVENT")[0]["uid"] == entry["uid"]

    ward = session.scalar(text("SELECT slug FROM wards WHERE id = :w"), {"w": event.ward_id})
    feed = Calendar.from_ical(client.get(f"/areas/{ward}/calendar.ics").data)
    assert "Ward forum" in [str(e["summary"]) for e in feed.walk("VEVENT")]
    guest, _ = as_person()
    guest.post(f"/events/{event.id}/going")
    me = guest.get("/me").get_data(as_text=True)
    import re

    mine = re.search(r'href="(http[^"]+/calendar/[^"]+\.ics)"', me)[1]
    personal = Calendar.from_ical(guest.get(mine.split("localhost", 1)[-1]).data)
    assert "Ward forum" in [str(e["summary"]) for e in personal.walk("VEVENT")]


def test_this_week_and_this_month(app, session, client):
    now = datetime.now(UTC)
    with app.app_context():
        week_end, month_end = clock.end_of("week"), clock.end_of("month")
    # Halfway to the nearer end: "now + 1 hour" fell in next week late on a Sunday.
    soon = make_event(
        session, starts=now + (min(week_end, month_end) - now) / 2, title="Bulb planting soon"
    )
    # After both ends: on the last day of a month, "two days into next month" is this week.
    later = make_event(
        session, starts=max(week_end, month_end) + timedelta(days=2), title="Next month"
    )
    make_initiative(session, "project", title="Not an event")

    def titles(when):
        page = client.get(f"/list?when={when}").get_data(as_text=True)
        return {t for t in ("Bulb planting soon", "Next month", "Not an event") if t in page}

    assert titles("week") == {"Bulb planting soon"}
    assert titles("month") == {"Bulb planting soon"}
    assert week_end <= month_end or week_end - month_end < timedelta(days=7)
    api = client.get("/api/v1/events?when=month").get_json()
    assert [f["id"] for f in api["features"]] == [soon.id]
    assert later.id in [f["id"] for f in client.get("/api/v1/events").get_json()["features"]]
    assert client.get("/list?when=year").status_code == 400


def test_the_ward_page_lists_what_is_coming_up_and_past_ones_stay(session, client):
    past = make_event(session, title="Last spring's forum")
    session.execute(
        text("UPDATE initiatives SET starts_at = now() - interval '30 days',"
             " ends_at = now() - interval '29 days' WHERE id = :i"),
        {"i": past.id},
    )  # fmt: skip
    upcoming = make_event(session, title="Next forum")
    slug = session.scalar(text("SELECT slug FROM wards WHERE id = :w"), {"w": upcoming.ward_id})
    page = client.get(f"/areas/{slug}").get_data(as_text=True)
    assert "Next forum" in page
    assert client.get(f"/events/{past.id}").status_code == 200  # a record stays


def test_what_happened_is_posted_after_the_event_and_linked_from_its_project(session, as_person):
    organiser_visitor, organiser = as_person()
    project = make_initiative(session, "project", author=organiser, title="Community orchard")
    event = make_event(session, author=organiser, about_id=project.id, title="Orchard meeting")
    early = organiser_visitor.post(
        f"/events/{event.id}/updates", {"update_body": "It went well", "update_stage": ""}
    )
    assert early.status_code == 422  # not before it has begun
    session.execute(
        text("UPDATE initiatives SET starts_at = now() - interval '3 hours',"
             " ends_at = now() - interval '1 hour' WHERE id = :i"),
        {"i": event.id},
    )  # fmt: skip
    session.expire_all()
    done = organiser_visitor.post(
        f"/events/{event.id}/updates",
        {"update_body": "We agreed to plant six trees in March.", "update_stage": ""},
    )
    assert done.status_code == 302
    page = organiser_visitor.get(f"/events/{event.id}").get_data(as_text=True)
    assert "What happened" in page and "We agreed to plant six trees in March." in page
    project_page = organiser_visitor.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f"/events/{event.id}" in project_page and "Orchard meeting" in project_page


def test_forty_people_at_once_never_overfill_an_event(app, live_server, clean_db):
    organiser = User(email="host@example.org", display_name="Host", password_hash=HASH)
    committed(app, organiser)
    starts = datetime.now(UTC) + timedelta(days=1)
    event = Event(
        title="Repair café",
        description="Bring what is broken.",
        category="community-spaces",
        status="scheduled",
        author_id=organiser.id,
        location=to_db(parse_point(*ACRE_LANE)),
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        capacity=5,
    )
    (event_id,) = committed(app, event)
    people = crowd(app, live_server, 40)
    tokens = {p.id: p.token(f"/events/{event_id}") for p in people}
    responses = at_once(people, lambda p: p.post(f"/events/{event_id}/going", {}, tokens[p.id]))
    assert statuses(responses) == {302: 40}  # nobody refused: past the places, a waiting list
    going = "SELECT count(*) FROM rsvps WHERE event_id = :e AND status = :s"
    assert scalar(app, going, e=event_id, s="going") == 5
    assert scalar(app, going, e=event_id, s="waiting") == 35

    # Five leave at the same instant: exactly five move up, in the order they joined.
    leaving = [p for p in people if scalar(
        app, "SELECT status FROM rsvps WHERE event_id = :e AND user_id = :u", e=event_id, u=p.id
    ) == "going"]  # fmt: skip
    tokens = {p.id: p.token(f"/events/{event_id}") for p in leaving}
    left = at_once(leaving, lambda p: p.post(f"/events/{event_id}/not-going", {}, tokens[p.id]))
    assert statuses(left) == {302: 5}
    assert scalar(app, going, e=event_id, s="going") == 5
    assert scalar(app, going, e=event_id, s="waiting") == 30


def test_the_database_refuses_going_past_capacity_whatever_the_code_path(app, clean_db):
    with app.app_context():
        host = User(email="h2@example.org", display_name="H", password_hash=HASH)
        guests = [
            User(email=f"g{n}@example.org", display_name="G", password_hash=HASH) for n in range(2)
        ]
        db.session.add_all([host, *guests])
        db.session.flush()
        starts = datetime.now(UTC) + timedelta(days=1)
        event = Event(
            title="Tiny talk", description="", category="other", status="scheduled",
            author_id=host.id, location=to_db(parse_point(*ACRE_LANE)),
            starts_at=starts, ends_at=starts + timedelta(hours=1), capacity=1,
        )  # fmt: skip
        db.session.add(event)
        db.session.flush()
        db.session.add(Rsvp(event_id=event.id, user_id=guests[0].id, status="going"))
        db.session.flush()
        with pytest.raises(sa.exc.DBAPIError) as refused:
            db.session.add(Rsvp(event_id=event.id, user_id=guests[1].id, status="going"))
            db.session.flush()
        assert refused.value.orig.sqlstate == "CM005"
        db.session.rollback()
        db.session.remove()


def test_events_need_times_in_the_database_too(session):
    item = make_initiative(session, "project")
    with pytest.raises(sa.exc.IntegrityError) as refused, session.begin_nested():
        session.execute(text("UPDATE initiatives SET capacity = 4 WHERE id = :i"), {"i": item.id})
    assert refused.value.orig.diag.constraint_name == "ck_initiatives_event_only"
    run_jobs(session)  # nothing queued is left behind


def test_people_going_and_the_organiser_are_reminded_the_day_before(app, session, as_person, inbox):
    from civicmap.services import mail

    _organiser_visitor, organiser = as_person()
    starts = datetime.now(UTC) + timedelta(days=3)
    event = make_event(
        session, author=organiser, starts=starts, capacity=1, title="Ward forum",
        online_url="https://meet.example.org/forum", accessibility="Captions on",
    )  # fmt: skip
    going, going_user = as_person()
    waiting, waiting_user = as_person()
    going.post(f"/events/{event.id}/going")
    waiting.post(f"/events/{event.id}/going")  # on the waiting list: not reminded
    now = datetime.now(UTC)
    for user in (organiser, going_user, waiting_user):
        user.email_confirmed_at = now
    session.execute(text("DELETE FROM mail_outbox"))
    session.commit()
    with app.app_context():
        assert mail.queue_reminders(session, starts - timedelta(hours=48)) == 0
        assert mail.queue_reminders(session, starts - timedelta(hours=20)) == 2
        assert mail.queue_reminders(session, starts - timedelta(hours=19)) == 0  # once
        session.commit()
        assert mail.send_pending(session) == 2
    (reminder,) = inbox.to(going_user.email)
    assert reminder["Subject"].startswith("Reminder: Ward forum, ")
    body = reminder.get_body(("plain",)).get_content()
    assert "https://meet.example.org/forum" in body and "Captions on" in body
    assert f"/events/{event.id}" in body
    (attachment,) = list(reminder.iter_attachments())
    (entry,) = Calendar.from_ical(attachment.get_content().encode()).walk("VEVENT")
    assert (
        entry.decoded("dtstart") == starts.replace(microsecond=0)
        or entry.decoded("dtstart") == starts
    )
    assert inbox.to(waiting_user.email) == []
    assert len(inbox.to(organiser.email)) == 1


def test_one_person_pressing_going_ten_times_at_once_goes_once(app, live_server, clean_db):
    host = User(email="host3@example.org", display_name="Host", password_hash=HASH)
    committed(app, host)
    starts = datetime.now(UTC) + timedelta(days=1)
    event = Event(
        title="Litter pick", description="Gloves provided.", category="environment",
        status="scheduled", author_id=host.id, location=to_db(parse_point(*ACRE_LANE)),
        starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=3,
    )  # fmt: skip
    (event_id,) = committed(app, event)
    (person,) = crowd(app, live_server, 1)
    token = person.token(f"/events/{event_id}")
    responses = at_once([person] * 10, lambda p: p.post(f"/events/{event_id}/going", {}, token))
    counts = statuses(responses)
    assert counts[302] == 1 and counts[302] + counts[409] == 10, counts
    rows = "SELECT count(*) FROM rsvps WHERE event_id = :e AND status = 'going'"
    assert scalar(app, rows, e=event_id) == 1
