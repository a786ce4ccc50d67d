"""Follow a ward in Chromium, someone shares a project there, and the follower's header count
rises; their notifications page links to it; the next morning's digest arrives by SMTP with a
link that opens the project and an unsubscribe link that works without logging in.
Screenshots at 320, 390 and 1280 px (the digest mail too)."""

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from civicmap.extensions import db
from civicmap.models import User
from civicmap.services import mail
from tests.conftest import run_jobs

PASSWORD = "a-long-Lambeth-passphrase"


def seed(app) -> None:
    with app.app_context():
        hashed = generate_password_hash(PASSWORD)
        db.session.add_all(
            [
                User(
                    email=f"{n}@example.org",
                    display_name=n.title(),
                    password_hash=hashed,
                    email_confirmed_at=datetime.now(UTC),
                )
                for n in ("fola", "sam")
            ]
        )
        db.session.commit()
        db.session.remove()


def log_in(page, name: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(f"{name}@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_following_a_ward_and_hearing_of_a_new_project(app, new_page, artifacts, inbox):
    seed(app)
    fola = new_page()
    log_in(fola, "fola")
    fola.goto("/areas/brixton-acre-lane")
    fola.get_by_role("button", name="Follow Brixton Acre Lane").click()
    expect(fola.get_by_text("You will be told of what happens here.")).to_be_visible()
    expect(fola.get_by_role("button", name="Stop following")).to_be_visible()

    sam = new_page()
    log_in(sam, "sam")
    sam.goto("/projects/new")
    sam.get_by_label("Title").fill("Tool library in the old bank")
    sam.get_by_label("Description").fill("Borrow a drill, return it next week.")
    sam.get_by_label("Latitude").fill("51.457575")
    sam.get_by_label("Longitude").fill("-0.123613")
    sam.get_by_role("button", name="Share project").click()
    expect(sam.get_by_role("heading", name="Tool library in the old bank")).to_be_visible()
    with app.app_context():  # the worker's job: tell the ward's followers
        assert run_jobs(db.session, "fan_out") == 1
        db.session.commit()
        db.session.remove()

    fola.goto("/")
    bell = fola.get_by_role("link", name="Notifications (1 new)")
    expect(bell).to_be_visible()
    bell.click()
    expect(
        fola.get_by_text("New in a ward you follow: Tool library in the old bank")
    ).to_be_visible()
    for width in (320, 390, 1280):
        fola.set_viewport_size({"width": width, "height": 900})
        fola.screenshot(path=str(artifacts / f"notifications-{width}.png"), full_page=True)
        assert fola.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    fola.set_viewport_size({"width": 1280, "height": 900})
    fola.get_by_role("link", name="Open", exact=True).click()
    expect(fola.get_by_role("heading", name="Tool library in the old bank")).to_be_visible()
    fola.go_back()
    fola.get_by_role("button", name="Mark all as read").click()
    expect(fola.get_by_role("link", name="Notifications", exact=True)).to_be_visible()

    # The next morning the worker's hourly job builds the daily digest and sends it.
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(hour=9)
    with app.app_context():
        assert mail.build_digests(db.session, tomorrow) == 1  # Fola's; Sam is told of nothing
        db.session.commit()
        assert mail.send_pending(db.session) == 1
        db.session.remove()
    (digest,) = inbox.to("fola@example.org")
    assert digest["Subject"] == "civicmap: your day (1 new)"
    html = digest.get_body(("html",)).get_content()
    reader = new_page()
    reader.set_content(html)
    for width in (320, 390, 1280):
        reader.set_viewport_size({"width": width, "height": 900})
        reader.screenshot(path=str(artifacts / f"digest-mail-{width}.png"), full_page=True)
    expect(
        reader.get_by_text("New in a ward you follow: Tool library in the old bank")
    ).to_be_visible()
    project = reader.get_by_role("link", name="Open").get_attribute("href")
    unsubscribe = digest["List-Unsubscribe"].strip("<>")
    assert reader.get_by_role("link", name="Stop all these emails").get_attribute("href") == (
        unsubscribe
    )

    stranger = new_page()  # not logged in: the links work from any mail client
    stranger.goto(re.sub(r"^https?://[^/]+", "", project))
    expect(stranger.get_by_role("heading", name="Tool library in the old bank")).to_be_visible()
    stranger.goto(re.sub(r"^https?://[^/]+", "", unsubscribe))
    stranger.get_by_role("button", name="Stop all these emails").click()
    expect(stranger.get_by_role("heading", name="No more emails")).to_be_visible()
    stranger.screenshot(path=str(artifacts / "unsubscribed-1280.png"), full_page=True)
    with app.app_context():
        fola_now = db.session.scalar(select(User).where(User.email == "fola@example.org"))
        assert fola_now.email_frequency == "never"
        db.session.remove()
    assert fola.errors == [] and sam.errors == [] and stranger.errors == []
