"""Mail through a real SMTP server (aiosmtpd on loopback): what each kind says and carries, who
gets it and how often, links that confirm, reset and unsubscribe, and what happens when the
SMTP server is down or refuses. The worker's jobs are called here as the worker calls them."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, text

from civicmap.models import Follow, Mail, Notification, User
from civicmap.notifications.wording import SAYINGS
from civicmap.services import mail, tokens
from tests.conftest import PASSWORD, run_jobs
from tests.factories import make_initiative

NOW = datetime.now(UTC)
# 08:30 UTC on the next Monday and the Tuesday after it: past 07:00 in London, BST or GMT alike,
# and after every notification the tests make now (a digest gathers what happened before it).
MONDAY_MORNING = (NOW + timedelta(days=7 - NOW.weekday())).replace(
    hour=8, minute=30, second=0, microsecond=0
)
TUESDAY_MORNING = MONDAY_MORNING + timedelta(days=1)


@pytest.fixture(autouse=True)
def worker_app(app):
    """The worker's jobs run in an app context of their own (tasks.in_app), as in `job`."""
    global APP
    APP = app


def job(function, *args):
    with APP.app_context():
        return function(*args)


def send(session) -> int:
    return job(mail.send_pending, session)


def digests(session, now) -> int:
    made = job(mail.build_digests, session, now)
    session.commit()
    return made


def deliver(session) -> int:
    """What the worker does for "at once": write a mail per notification, send the outbox."""
    job(mail.queue_notices, session)
    session.commit()
    return send(session)


def link_in(message, pattern: str) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(rf"https?://\S+{pattern}\S*", body)[0]


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture
def reader(person):
    """A person with a confirmed address who wants mail as given: reader("at_once")."""

    def make(frequency="daily", **values):
        user = person(email_confirmed_at=NOW, email_frequency=frequency, **values)
        forget_mail(user)
        return user

    return make


def forget_mail(user):
    """As if the sign-up's confirmation went long ago."""
    from civicmap.extensions import db

    db.session.execute(delete(Mail).where(Mail.user_id == user.id))
    db.session.commit()


def appreciate(as_person, item):
    fan, fan_user = as_person(display_name="Bea")
    forget_mail(fan_user)
    assert fan.post(f"/projects/{item.id}/appreciate").status_code == 302
    return fan_user


# --- confirmation -------------------------------------------------------------------------------


def test_sign_up_mails_a_confirmation_whose_link_confirms_after_a_button(visitor, session, inbox):
    response = visitor.post(
        "/signup",
        {
            "email": "ann@example.org",
            "display_name": "Ann",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert inbox.messages == []  # the web only wrote to the outbox
    assert send(session) == 1
    (message,) = inbox.to("ann@example.org")
    assert message["Subject"] == "Confirm your email address for civicmap"
    assert "List-Unsubscribe" not in message  # not bulk mail
    html = message.get_body(("html",)).get_content()
    link = link_in(message, "/confirm/")
    assert link in html
    user = session.scalar(select(User).where(User.email == "ann@example.org"))
    assert user.email_confirmed_at is None

    page = visitor.get(path_of(link))  # a mail scanner opening the link changes nothing
    assert page.status_code == 200 and "Confirm my email address" in page.get_data(as_text=True)
    session.refresh(user)
    assert user.email_confirmed_at is None
    assert visitor.post(path_of(link)).status_code == 302
    session.refresh(user)
    assert user.email_confirmed_at is not None


def test_confirmation_links_that_are_forged_expired_or_for_another_address_fail(
    app, client, session, person, monkeypatch
):
    user = person()
    with app.test_request_context():
        good = tokens.make("confirm", user)
    assert client.get(f"/confirm/{good[:-3]}xyz").status_code == 400
    user.email = "changed@example.org"  # a link for the old address confirms nothing
    session.commit()
    assert client.get(f"/confirm/{good}").status_code == 400
    with app.test_request_context():
        fresh = tokens.make("confirm", user)
    monkeypatch.setitem(tokens.MAX_AGE, "confirm", -1)
    page = client.get(f"/confirm/{fresh}")
    assert page.status_code == 400 and "This link no longer works" in page.get_data(as_text=True)


def test_no_mail_goes_to_an_unconfirmed_address_but_the_confirmation(
    as_person, person, session, inbox
):
    author = person(email_frequency="at_once")  # never confirmed
    item = make_initiative(session, author=author)
    appreciate(as_person, item)
    note = session.scalar(select(Notification).where(Notification.user_id == author.id))
    assert note.event == "appreciation" and note.email == "never"
    deliver(session)
    assert [m["Subject"] for m in inbox.to(author.email)] == [
        "Confirm your email address for civicmap"
    ]


# --- at once and digests ------------------------------------------------------------------------


def test_at_once_sends_one_mail_per_event_with_unsubscribe_headers_and_never_twice(
    as_person, reader, session, inbox
):
    author = reader("at_once")
    item = make_initiative(session, author=author, title="Tool library <b>& repair</b>")
    appreciate(as_person, item)
    queued = session.scalar(
        text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'mail_at_once'")
    )
    assert queued == 1  # in the request's own transaction
    assert deliver(session) == 1
    (message,) = inbox.to(author.email)
    assert message["Subject"] == "civicmap: something new for you"
    assert message["List-Unsubscribe"].startswith("<http")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = message.get_body(("plain",)).get_content()
    assert "Bea appreciated Tool library <b>& repair</b>" in body  # plain text as written
    assert f"/projects/{item.id}" in body
    html = message.get_body(("html",)).get_content()
    assert "Tool library &lt;b&gt;&amp; repair&lt;/b&gt;" in html  # escaped in HTML
    assert "<b>&" not in html

    assert deliver(session) == 0  # the job again: nothing more
    assert len(inbox.to(author.email)) == 1


def test_daily_digest_gathers_the_days_events_once_and_nothing_new_sends_nothing(
    as_person, reader, session, inbox
):
    author = reader("daily")
    item = make_initiative(session, author=author, title="Seed swap")
    for _ in range(3):
        appreciate(as_person, item)
    assert deliver(session) == 0  # daily: nothing at once
    early = TUESDAY_MORNING.replace(hour=5)  # 05:00 or 06:00 in London: not yet
    assert digests(session, early) == 0

    assert digests(session, TUESDAY_MORNING) >= 1
    session.commit()
    send(session)
    (digest,) = inbox.to(author.email)
    assert digest["Subject"] == "civicmap: your day (3 new)"
    body = digest.get_body(("plain",)).get_content()
    assert "3 new things since the last email:" in body
    assert body.count("appreciated Seed swap") == 3
    assert "List-Unsubscribe-Post" in digest

    assert digests(session, TUESDAY_MORNING + timedelta(hours=1)) == 0
    send(session)
    assert len(inbox.to(author.email)) == 1  # built once per day, nothing new: no mail


def test_weekly_digest_goes_on_monday_only(as_person, reader, session, inbox):
    author = reader("weekly")
    item = make_initiative(session, author=author, title="Street party")
    appreciate(as_person, item)
    digests(session, TUESDAY_MORNING)
    send(session)
    assert inbox.to(author.email) == []
    digests(session, MONDAY_MORNING + timedelta(days=7))
    session.commit()
    send(session)
    (digest,) = inbox.to(author.email)
    assert digest["Subject"] == "civicmap: your week (1 new)"


def test_a_follows_own_choice_wins_over_the_persons(as_person, reader, session, inbox):
    follower = reader("weekly")
    item = make_initiative(session, title="Community fridge")
    session.add(
        Follow(
            user_id=follower.id, target_kind="item", target_id=item.id, email_frequency="at_once"
        )
    )
    session.commit()
    commenter, commenter_user = as_person(display_name="Cal")
    forget_mail(commenter_user)
    commenter.post(f"/projects/{item.id}/comments", {"body": "I can help on Saturdays."})
    run_jobs(session, "fan_out")
    assert deliver(session) == 1
    (message,) = inbox.to(follower.email)
    assert "Cal commented on Community fridge" in message.get_body(("plain",)).get_content()


def test_email_settings_page_saves_the_persons_and_each_follows_choice(as_person, session):
    visitor, user = as_person()
    item = make_initiative(session, title="Orchard")
    visitor.post(f"/follow/item/{item.id}")
    page = visitor.get("/me/email").get_data(as_text=True)
    assert "Orchard" in page and "A daily digest" in page
    response = visitor.post(
        "/me/email", {"frequency": "weekly", f"follow_item_{item.id}": "at_once"}
    )
    assert response.status_code == 302
    session.refresh(user)
    follow = session.get(Follow, (user.id, "item", item.id))
    session.refresh(follow)
    assert (user.email_frequency, follow.email_frequency) == ("weekly", "at_once")
    bad = visitor.post("/me/email", {"frequency": "hourly", f"follow_item_{item.id}": "daily"})
    assert bad.status_code == 422
    assert "Not a valid choice" in bad.get_data(as_text=True)
    session.refresh(user)
    assert user.email_frequency == "weekly"


# --- unsubscribe --------------------------------------------------------------------------------


def test_one_click_unsubscribe_from_the_mail_client_needs_no_login_or_form(
    as_person, reader, session, inbox, client
):
    author = reader("at_once")
    item = make_initiative(session, author=author, title="Repair cafe")
    appreciate(as_person, item)
    deliver(session)
    (message,) = inbox.to(author.email)
    url = message["List-Unsubscribe"].strip("<>")
    # The mail client's POST (RFC 8058): no session, no CSRF token.
    response = client.post(path_of(url), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "No more emails" in response.get_data(as_text=True)
    session.refresh(author)
    assert author.email_frequency == "never"
    appreciate(as_person, item)
    assert deliver(session) == 0
    assert len(inbox.to(author.email)) == 1


def test_the_unsubscribe_link_opened_in_a_browser_asks_first(reader, session, app, client):
    user = reader("daily")
    with app.test_request_context():
        token = tokens.make("unsubscribe", user)
    page = client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200 and "Stop all these emails" in page.get_data(as_text=True)
    session.refresh(user)
    assert user.email_frequency == "daily"
    assert client.post(f"/unsubscribe/{token[:-2]}zz").status_code == 400
    assert client.post("/unsubscribe/not-a-token").status_code == 400
    session.refresh(user)
    assert user.email_frequency == "daily"


# --- password reset -----------------------------------------------------------------------------


def test_reset_answers_the_same_whether_or_not_the_address_has_an_account(
    visitor, reader, session, inbox
):
    user = reader()
    known = visitor.post("/reset", {"email": user.email})
    unknown = visitor.post("/reset", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200

    def page(response):  # the page without the address typed and the form's token
        body = response.get_data(as_text=True).replace(user.email, "X")
        return re.sub(r'value="[^"]+"', "", body.replace("nobody@example.org", "X"))

    assert page(known) == page(unknown)
    send(session)
    assert [m["To"] for m in inbox.messages] == [f"{user.display_name} <{user.email}>"]


def test_a_reset_link_works_once_ends_other_sessions_and_confirms_the_address(
    as_person, session, inbox, visitor
):
    logged_in, user = as_person()
    forget_mail(user)
    visitor.post("/reset", {"email": user.email})
    send(session)
    (message,) = inbox.to(user.email)
    assert message["Subject"] == "Choose a new password for civicmap"
    link = path_of(link_in(message, "/reset/"))
    new = "an-entirely-new-Lambeth-passphrase"
    response = visitor.post(link, {"password": new, "confirm": new})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    session.refresh(user)
    assert user.email_confirmed_at is not None
    assert logged_in.get("/me").status_code == 302  # the old session is over
    again = visitor.post(link, {"password": "yet-another-Lambeth-phrase", "confirm": "x"})
    assert again.status_code == 400  # used
    assert visitor.post("/login", {"email": user.email, "password": new}).status_code == 302


def test_a_weak_new_password_is_refused_and_the_link_still_works(visitor, reader, session, inbox):
    user = reader()
    visitor.post("/reset", {"email": user.email})
    send(session)
    link = path_of(link_in(inbox.to(user.email)[0], "/reset/"))
    weak = visitor.post(link, {"password": "password", "confirm": "password"})
    assert weak.status_code == 422
    assert "Use at least 10 characters." in weak.get_data(as_text=True)
    assert visitor.get(link).status_code == 200


def test_an_expired_reset_link_fails(app, client, person, monkeypatch):
    user = person()
    with app.test_request_context():
        token = tokens.make("reset", user)
    monkeypatch.setitem(tokens.MAX_AGE, "reset", -1)
    assert client.get(f"/reset/{token}").status_code == 400


# --- faults -------------------------------------------------------------------------------------


def test_a_permanent_refusal_marks_the_address_and_no_more_mail_goes(
    as_person, reader, session, inbox
):
    author = reader("at_once")
    inbox.refuse[author.email] = "550 5.1.1 No such mailbox"
    item = make_initiative(session, author=author)
    appreciate(as_person, item)
    assert deliver(session) == 0
    session.refresh(author)
    assert author.email_undeliverable_at is not None
    refused = session.scalar(select(Mail).where(Mail.user_id == author.id))
    assert refused.gave_up_at is not None and refused.last_error.startswith("550")
    appreciate(as_person, item)
    latest = session.scalar(
        select(Notification)
        .where(Notification.user_id == author.id)
        .order_by(Notification.id.desc())
    )
    assert latest.email == "never"


def test_a_temporary_refusal_or_a_server_down_keeps_the_mail_for_the_retry(
    as_person, reader, session, inbox, smtp_server, app
):
    author = reader("at_once")
    item = make_initiative(session, author=author)
    appreciate(as_person, item)
    inbox.refuse[author.email] = "451 4.3.0 Try again later"
    job(mail.queue_notices, session)
    with pytest.raises(mail.MailUnavailable):
        send(session)
    waiting = session.scalar(select(Mail).where(Mail.user_id == author.id))
    assert (waiting.sent_at, waiting.gave_up_at, waiting.attempts) == (None, None, 1)

    inbox.refuse.clear()
    real = app.config["MAIL_URL"]
    app.config["MAIL_URL"] = "smtp://127.0.0.1:9"  # nothing listens: the server is down
    try:
        with pytest.raises(mail.MailUnavailable):
            send(session)
    finally:
        app.config["MAIL_URL"] = real
    assert send(session) == 1  # the retry, once the server is back
    assert len(inbox.to(author.email)) == 1
    assert session.scalar(select(func.count()).select_from(Mail).where(Mail.sent_at.is_(None))) == 0


@pytest.mark.parametrize("event", sorted(SAYINGS))
def test_every_kind_of_notification_reads_the_same_by_mail_as_on_the_page(
    event, reader, session, inbox, app, client
):
    person = reader("at_once")
    actor = reader(display_name="Dara")
    item = make_initiative(session, title="Community orchard")
    session.add(
        Notification(
            user_id=person.id,
            event=event,
            actor_id=actor.id,
            initiative_id=item.id,
            email="at_once",
        )
    )
    session.commit()
    assert deliver(session) == 1
    (message,) = inbox.to(person.email)
    body = message.get_body(("plain",)).get_content()
    with app.test_request_context():
        from civicmap.notifications.wording import note_text

        note = session.scalar(select(Notification).where(Notification.user_id == person.id))
        said = note_text(note)
    assert said and "<" not in said and "None" not in said
    assert said in body
    assert said in message.get_body(("html",)).get_content().replace("&#39;", "'")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_mail_comes_in_the_recipients_language(as_person, reader, session, inbox):
    author = reader("daily", locale="pl")
    item = make_initiative(session, author=author, title="Ogród społeczny")
    appreciate(as_person, item)
    digests(session, TUESDAY_MORNING)
    send(session)
    (digest,) = inbox.to(author.email)
    assert digest["Subject"] == "civicmap: Twój dzień (nowe: 1)"
    body = digest.get_body(("plain",)).get_content()
    assert "Bea docenia Ogród społeczny" in body
    assert "Zatrzymaj wszystkie te e-maile:" in body
    assert '<html lang="pl">' in digest.get_body(("html",)).get_content()
