"""Follow a ward in Chromium, someone shares a project there, and the follower's header count
rises; their notifications page links to it. Screenshots at 320, 390 and 1280 px."""

from playwright.sync_api import expect
from werkzeug.security import generate_password_hash

from civicmap.extensions import db
from civicmap.models import User

PASSWORD = "a-long-Lambeth-passphrase"


def seed(app) -> None:
    with app.app_context():
        hashed = generate_password_hash(PASSWORD)
        db.session.add_all(
            [
                User(email=f"{n}@example.org", display_name=n.title(), password_hash=hashed)
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


def test_following_a_ward_and_hearing_of_a_new_project(app, new_page, artifacts):
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
    assert fola.errors == [] and sam.errors == []
