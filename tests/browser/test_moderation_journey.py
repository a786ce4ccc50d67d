"""Report → auto-hide → review → restore in Chromium, found by label and role, with screenshots
of the new pages at 320, 390 and 1280 px in test-artifacts/ for a person to look at."""

from playwright.sync_api import expect
from werkzeug.security import generate_password_hash

from civicmap.extensions import db
from civicmap.geo import parse_point, to_db
from civicmap.models import Project, User

PASSWORD = "a-long-Lambeth-passphrase"
WIDTHS = (320, 390, 1280)


def seed(app) -> int:
    with app.app_context():
        hashed = generate_password_hash(PASSWORD)
        people = [
            User(
                email=f"{name}@example.org",
                display_name=name.title(),
                password_hash=hashed,
                role="moderator" if name == "nadia" else "resident",
            )
            for name in ("author", "ann", "bo", "cy", "nadia")
        ]
        db.session.add_all(people)
        db.session.flush()
        item = Project(
            title="Cheap watches, buy now",
            description="Visit my shop.",
            category="other",
            status="active",
            author_id=people[0].id,
            location=to_db(parse_point(51.457575, -0.123613)),
        )
        db.session.add(item)
        db.session.commit()
        item_id = item.id
        db.session.remove()
    return item_id


def log_in(page, name: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(f"{name}@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def shoot(page, artifacts, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(artifacts / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (name, width, overflow)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_three_reports_hide_it_and_a_moderator_restores_it(app, new_page, artifacts):
    item_id = seed(app)
    for n, name in enumerate(("ann", "bo", "cy")):
        page = new_page()
        log_in(page, name)
        page.goto(f"/projects/{item_id}")
        page.get_by_role("link", name="Report this project").click()
        page.get_by_label("Spam or advertising").check()
        page.get_by_label("Anything moderators should know (optional)").fill("An advert")
        if n == 0:
            shoot(page, artifacts, "report-form")
        page.get_by_role("button", name="Send the report").click()
        expect(page.get_by_text("Thank you. A moderator will look at it.")).to_be_visible()
        assert page.errors == []
        if n == 2:  # the third report hid it: back to the map, not to a page that is gone
            expect(
                page.get_by_role("heading", name="Citizen-powered change in Lambeth")
            ).to_be_visible()
    visitor = new_page()
    response = visitor.goto(f"/projects/{item_id}")
    assert response.status == 410

    nadia = new_page()
    log_in(nadia, "nadia")
    nadia.get_by_role("link", name="Moderation").click()
    expect(nadia.get_by_role("heading", name="Reports to review")).to_be_visible()
    expect(nadia.get_by_text("3 reports")).to_be_visible()
    expect(nadia.get_by_text("Hidden now")).to_be_visible()
    shoot(nadia, artifacts, "moderation-queue")
    nadia.get_by_role("button", name="Restore").click()
    expect(nadia.get_by_text("No open reports.")).to_be_visible()
    assert visitor.goto(f"/projects/{item_id}").status == 200
    nadia.get_by_role("link", name="Moderation log").click()
    expect(nadia.get_by_role("cell", name="auto-hidden")).to_be_visible()
    shoot(nadia, artifacts, "moderation-log")
    assert nadia.errors == []
    assert [e for e in visitor.errors if "410" not in e] == []  # the hidden page, on purpose


def test_the_privacy_and_delete_account_pages(app, new_page, artifacts):
    seed(app)
    page = new_page()
    page.goto("/")
    page.get_by_role("link", name="Privacy").click()
    expect(page.get_by_role("heading", name="Privacy", exact=True)).to_be_visible()
    shoot(page, artifacts, "privacy")
    log_in(page, "ann")
    page.get_by_role("link", name="My civicmap").first.click()
    page.get_by_role("link", name="delete your account").click()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Enter your password.").first).to_be_visible()
    shoot(page, artifacts, "delete-account")
    # The refused form answers 422 on purpose; nothing else may go wrong.
    assert [e for e in page.errors if "422" not in e] == []
