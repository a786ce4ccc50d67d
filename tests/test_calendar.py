"""Proposals with a day, a time and a meeting point: what a person types (London time, summer
or winter), what is refused, the .ics files and iCal feeds (parsed with the icalendar library),
and reminders the day before with the event attached, by a real SMTP server."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select, text

from civicmap.models import Proposal, Volunteering
from civicmap.services import mail, tokens
from tests.factories import ACRE_LANE, BRIXTON_STATION, PARLIAMENT, make_initiative

NEXT_YEAR = date.today().year + 1
SUMMER_DAY = date(NEXT_YEAR, 7, 10)  # BST: 10:30 in London is 09:30 UTC
WINTER_DAY = date(NEXT_YEAR, 1, 9)  # GMT: 10:30 in London is 10:30 UTC


def propose(visitor, item, **fields):
    data = {
        "action": "Clear the brambles with us",
        "volunteers_needed": "3",
        "meets_on": SUMMER_DAY.isoformat(),
        "meets_at": "10:30",
        "duration_minutes": "150",
        "meeting_place": "by the bandstand",
        "meeting_lat": str(ACRE_LANE[0]),
        "meeting_lon": str(ACRE_LANE[1]),
    } | fields
    return visitor.post(f"/ideas/{item.id}/proposals", {k: v for k, v in data.items() if v})


def events_of(body: bytes):
    return [c for c in Calendar.from_ical(body).walk("VEVENT")]


@pytest.fixture
def idea(session):
    return make_initiative(session, kind="idea", at=BRIXTON_STATION, title="Wild garden")


def test_a_proposal_with_a_time_and_place_is_shown_in_london_time(as_person, idea, session):
    visitor, _ = as_person()
    assert propose(visitor, idea).status_code == 302
    proposal = session.scalar(select(Proposal))
    assert proposal.starts_at == datetime(NEXT_YEAR, 7, 10, 9, 30, tzinfo=UTC)
    assert proposal.duration_minutes == 150
    page = visitor.get(f"/ideas/{idea.id}").get_data(as_text=True)
    weekday = SUMMER_DAY.strftime("%A")
    assert f"{weekday} 10 July {NEXT_YEAR}, 10:30" in page
    assert "meet by the bandstand" in page
    assert f'href="/proposals/{proposal.id}.ics"' in page

    winter_day = {"meets_on": WINTER_DAY.isoformat(), "meeting_lat": "", "meeting_lon": ""}
    assert propose(visitor, idea, **winter_day).status_code == 302
    winter = session.scalars(select(Proposal).order_by(Proposal.id.desc())).first()
    assert winter.starts_at == datetime(NEXT_YEAR, 1, 9, 10, 30, tzinfo=UTC)
    met_at_the_idea = session.scalar(  # no meeting point given: where the idea is
        text(
            "SELECT ST_Equals(p.meeting_point, i.location) FROM proposals p, initiatives i"
            " WHERE p.id = :p AND i.id = :i"
        ),
        {"p": winter.id, "i": idea.id},
    )
    assert met_at_the_idea


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"meets_on": ""}, "meets_on", "Give the day it happens"),
        ({"meets_at": ""}, "meets_at", "Give the time it starts"),
        ({"meets_on": "2020-05-01"}, "meets_on", "not in the past"),
        ({"duration_minutes": "5"}, "duration_minutes", "between 15 minutes and 12 hours"),
        (
            {"meeting_lat": str(PARLIAMENT[0]), "meeting_lon": str(PARLIAMENT[1])},
            "meeting_lat",
            "This meeting point is outside Lambeth.",
        ),
        ({"meeting_lat": "north"}, "meeting_lat", "latitude and a longitude"),
    ],
)
def test_a_bad_time_or_place_is_refused_and_what_was_typed_is_kept(
    as_person, idea, session, fields, field, message
):
    visitor, _ = as_person()
    response = propose(visitor, idea, action="Paint the fence on a sunny day", **fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page or f'href="#{field}"' in page
    assert "Paint the fence on a sunny day" in page
    assert session.scalar(select(Proposal)) is None


def test_the_ics_file_parses_and_says_when_and_where(as_person, idea, session, client):
    visitor, _ = as_person()
    propose(visitor, idea)
    proposal = session.scalar(select(Proposal))
    response = client.get(f"/proposals/{proposal.id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    (event,) = events_of(response.data)
    assert event.decoded("dtstart") == datetime(NEXT_YEAR, 7, 10, 9, 30, tzinfo=UTC)
    assert event.decoded("dtend") == datetime(NEXT_YEAR, 7, 10, 12, 0, tzinfo=UTC)
    assert str(event["summary"]) == "Wild garden: Clear the brambles with us"
    assert str(event["location"]) == "by the bandstand"
    assert event["geo"].latitude == pytest.approx(ACRE_LANE[0])
    assert str(event["url"]).endswith(f"/ideas/{idea.id}#proposal-{proposal.id}")
    without_time = make_initiative(session, kind="idea", at=ACRE_LANE)
    visitor.post(f"/ideas/{without_time.id}/proposals", {"action": "Ask around"})
    plain = session.scalars(select(Proposal).order_by(Proposal.id.desc())).first()
    assert client.get(f"/proposals/{plain.id}.ics").status_code == 404


def test_the_ward_calendar_lists_its_upcoming_proposals_only(as_person, session, client):
    visitor, _ = as_person()
    here = make_initiative(session, kind="idea", at=ACRE_LANE, title="Here")
    there = make_initiative(session, kind="idea", at=BRIXTON_STATION, title="There")
    propose(visitor, here)
    propose(visitor, there)
    propose(visitor, here, action="Hidden one", meets_on=WINTER_DAY.isoformat())
    session.execute(
        text(
            "UPDATE proposals SET hidden = true, hidden_reason = 'moderated'"
            " WHERE action = 'Hidden one'"
        )
    )
    propose(visitor, here, action="Already over")
    session.execute(
        text(
            "UPDATE proposals SET starts_at = now() - interval '1 day'"
            " WHERE action = 'Already over'"
        )
    )
    session.commit()
    response = client.get("/areas/brixton-acre-lane/calendar.ics")
    assert response.status_code == 200 and "Content-Disposition" not in response.headers
    summaries = [str(e["summary"]) for e in events_of(response.data)]
    assert summaries == ["Here: Clear the brambles with us"]


def test_a_persons_calendar_is_what_they_propose_and_help_with(
    as_person, idea, session, client, app
):
    proposer, proposer_user = as_person()
    propose(proposer, idea)
    propose(proposer, idea, action="Another day", meets_on=WINTER_DAY.isoformat())
    helper, helper_user = as_person()
    first = session.scalar(select(Proposal).order_by(Proposal.id))
    helper.post(f"/proposals/{first.id}/volunteer", {"note": ""})
    with app.test_request_context():
        proposer_feed = tokens.make("calendar", proposer_user)
    # The page mints its own token (signed with the second it is made), so read the link back
    # rather than compare it with one made here a moment earlier.
    links = re.findall(r"/calendar/([^\"/]+)\.ics", helper.get("/me").get_data(as_text=True))
    assert links, "the personal calendar link is on /me"
    helper_feed = links[0]
    with app.app_context():
        assert tokens.read(session, "calendar", helper_feed).id == helper_user.id
    helping = events_of(client.get(f"/calendar/{helper_feed}.ics").data)
    assert [str(e["summary"]) for e in helping] == ["Wild garden: Clear the brambles with us"]
    proposing = events_of(client.get(f"/calendar/{proposer_feed}.ics").data)
    assert len(proposing) == 2
    assert client.get(f"/calendar/{helper_feed[:-2]}xx.ics").status_code == 404


# --- reminders ----------------------------------------------------------------------------------


def test_volunteers_and_the_proposer_are_reminded_once_the_day_before(
    as_person, idea, session, inbox, app, person
):
    proposer, proposer_user = as_person()
    propose(proposer, idea, volunteers_needed="2")
    proposal = session.scalar(select(Proposal))
    helper, helper_user = as_person()
    waiting, waiting_user = as_person()
    quiet, quiet_user = as_person()
    helper.post(f"/proposals/{proposal.id}/volunteer", {"note": ""})
    quiet.post(f"/proposals/{proposal.id}/volunteer", {"note": ""})  # but wants no mail
    waiting.post(f"/proposals/{proposal.id}/wait")
    now = datetime.now(UTC)
    for user in (proposer_user, helper_user, waiting_user, quiet_user):
        user.email_confirmed_at = now
    quiet_user.email_frequency = "never"
    session.execute(text("DELETE FROM mail_outbox"))
    session.commit()
    assert (
        session.scalar(select(Volunteering.status).where(Volunteering.user_id == waiting_user.id))
        == "waiting"
    )

    with app.app_context():
        two_days_before = proposal.starts_at - timedelta(hours=48)
        assert mail.queue_reminders(session, two_days_before) == 0
        day_before = proposal.starts_at - timedelta(hours=20)
        assert mail.queue_reminders(session, day_before) == 2  # the helper and the proposer
        assert mail.queue_reminders(session, day_before + timedelta(minutes=15)) == 0
        session.commit()
        assert mail.send_pending(session) == 2
    (reminder,) = inbox.to(helper_user.email)
    assert reminder["Subject"] == (
        f"Reminder: Wild garden, {SUMMER_DAY.strftime('%A')} 10 July {NEXT_YEAR}, 10:30"
    )
    body = reminder.get_body(("plain",)).get_content()
    assert "by the bandstand" in body and "Clear the brambles with us" in body
    (attachment,) = list(reminder.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    (event,) = events_of(attachment.get_content().encode())
    assert event.decoded("dtstart") == proposal.starts_at
    assert inbox.to(waiting_user.email) == [] and inbox.to(quiet_user.email) == []
    assert re.search(r"/ideas/\d+#proposal-\d+", body)
