"""Co-production in Chromium (issue #13): an organiser's project asks for carpentry; a neighbour
who offers carpentry finds it under "Needs near you", with why; the organiser sees the offer
under "Offers that could help", then posts an update with a photo and moves the project to
"Doing". Then an event made on the map is found by that neighbour, who goes; afterwards the
organiser posts what happened with a photo. Screenshots at 320, 390 and 1280 px."""

import io
import re
from datetime import date, timedelta

from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import text
from werkzeug.security import generate_password_hash

from civicmap.extensions import db
from civicmap.geo import parse_point, to_db
from civicmap.models import Offer, Project, User, Ward

PASSWORD = "a-long-Lambeth-passphrase"
GARDEN = (51.4627, -0.1145)
WORKSHOP = (51.4640, -0.1160)


def seed(app):
    with app.app_context():
        ward = db.session.query(Ward).filter_by(slug="brixton-windrush").one()
        organiser, neighbour = (
            User(email=f"{n}@example.org", display_name=n.title(),
                 password_hash=generate_password_hash(PASSWORD), home_ward_id=ward.id)
            for n in ("ola", "sam")
        )  # fmt: skip
        db.session.add_all([organiser, neighbour])
        db.session.flush()
        project = Project(
            title="Benches for the community garden",
            description="We want to build three benches from reclaimed wood.",
            category="environment",
            status="planning",
            author=organiser,
            location=to_db(parse_point(*GARDEN)),
            skills_needed=["carpentry", "design"],
        )
        offer = Offer(
            title="Weekend carpentry",
            description="I can make and mend things in wood.",
            category="other",
            status="available",
            offer_type="skills",
            author=neighbour,
            location=to_db(parse_point(*WORKSHOP)),
            skills=["carpentry"],
        )
        db.session.add_all([project, offer])
        db.session.commit()
        ids = project.id, offer.id
        db.session.remove()
    return ids


def log_in(page, email):
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("button", name="Log out")).to_be_attached()


def photo_file(tmp_path):
    path = tmp_path / "bench.jpg"
    image = Image.new("RGB", (1000, 700), (120, 90, 60))
    exif = Image.Exif()
    exif.get_ifd(0x8825)[2] = (51.0, 27.0, 45.0)  # a GPS latitude, to be stripped
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    path.write_bytes(out.getvalue())
    return path


def test_a_need_meets_an_offer_and_the_project_shows_its_progress(
    app, new_page, artifacts, tmp_path
):
    project_id, _offer_id = seed(app)

    neighbour = new_page(viewport={"width": 390, "height": 900})
    log_in(neighbour, "sam@example.org")
    neighbour.goto("/me")
    needs = neighbour.locator("#needs-heading + ol, section:has(#needs-heading) ol").first
    expect(needs).to_contain_text("Benches for the community garden")
    neighbour.get_by_role("link", name="See all, or choose where and how far").click()
    expect(neighbour.get_by_role("heading", level=1)).to_have_text(
        "Needs near you that fit your skills"
    )
    why = neighbour.locator(".matches .why").first
    expect(why).to_have_text(re.compile(r"^Needs carpentry, \d+ m away$"))
    for width in (320, 390, 1280):
        neighbour.set_viewport_size({"width": width, "height": 900})
        neighbour.screenshot(path=str(artifacts / f"matches-{width}.png"), full_page=True)
    assert neighbour.errors == []

    organiser = new_page()
    log_in(organiser, "ola@example.org")
    organiser.goto(f"/projects/{project_id}")
    helpers = organiser.locator("#offers-that-could-help")
    expect(helpers).to_contain_text("Weekend carpentry")
    expect(helpers).to_contain_text(re.compile(r"Sam offers carpentry, \d+ m away"))

    organiser.get_by_text("Post an update").click()
    organiser.get_by_label("What happened?").fill("We found the wood and drew the plans.")
    organiser.get_by_label("Stage", exact=True).select_option(label="Doing")
    organiser.locator("#photos-0-file").set_input_files(str(photo_file(tmp_path)))
    organiser.locator("#photos-0-alt").fill("Reclaimed planks stacked by the shed")
    organiser.get_by_role("button", name="Post the update").click()

    expect(organiser.locator(".flash-success, .flash")).to_contain_text("Your update is posted")
    timeline = organiser.locator(".timeline")
    expect(timeline).to_contain_text("We found the wood and drew the plans.")
    image = timeline.get_by_role("img", name="Reclaimed planks stacked by the shed")
    expect(image).to_be_visible()
    assert image.evaluate("i => i.complete && i.naturalWidth") == 480
    expect(organiser.locator('.stages [aria-current="step"]')).to_have_text("Doing")
    organiser.locator("#progress").scroll_into_view_if_needed()
    for width in (320, 390, 1280):
        organiser.set_viewport_size({"width": width, "height": 900})
        organiser.screenshot(path=str(artifacts / f"project-progress-{width}.png"), full_page=True)
    assert organiser.errors == []


def test_an_event_made_on_the_map_is_found_by_a_neighbour_who_goes_then_its_outcome(
    app, new_page, artifacts, tmp_path
):
    seed(app)
    day = (date.today() + timedelta(days=2)).isoformat()

    organiser = new_page()
    log_in(organiser, "ola@example.org")
    organiser.goto("/events/new")
    for width in (320, 1280):
        organiser.set_viewport_size({"width": width, "height": 900})
        organiser.screenshot(path=str(artifacts / f"event-form-{width}.png"), full_page=True)
    organiser.get_by_label("Title").fill("Bench-building workshop")
    organiser.get_by_label("Description").fill("We build the first bench together.")
    organiser.get_by_label("Skills that would help (optional)").fill("Carpentry")
    organiser.get_by_label("Day", exact=True).fill(day)
    organiser.get_by_label("Starts at", exact=True).fill("10:00")
    organiser.get_by_label("Ends at", exact=True).fill("13:00")
    organiser.get_by_label("Places (optional)").fill("8")
    organiser.get_by_label("Accessibility", exact=True).fill("Step-free; seating and shade")
    picker = organiser.locator("#picker-map")
    picker.scroll_into_view_if_needed()
    box = picker.bounding_box()
    organiser.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(organiser.get_by_label("Latitude")).not_to_have_value("")
    organiser.get_by_role("button", name="Publish the event").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Bench-building workshop")
    event_url = organiser.url
    event_id = int(re.search(r"/events/(\d+)", event_url)[1])

    neighbour = new_page(viewport={"width": 390, "height": 900})
    log_in(neighbour, "sam@example.org")
    neighbour.goto("/me/matches?source=ward&within=5000")
    found = neighbour.locator(".matches li", has_text="Bench-building workshop")
    expect(found.locator(".why")).to_have_text(re.compile(r"^Needs carpentry, [\d.,]+ k?m away$"))
    found.get_by_role("link", name="Bench-building workshop").click()
    neighbour.get_by_role("button", name="I am going").click()
    expect(neighbour.locator("#going")).to_contain_text("You are going.")
    expect(neighbour.locator(".facts")).to_contain_text("1 going of 8 places")
    for width in (320, 390, 1280):
        neighbour.set_viewport_size({"width": width, "height": 900})
        neighbour.screenshot(path=str(artifacts / f"event-going-{width}.png"), full_page=True)
    assert neighbour.errors == []

    # The day has passed: the organiser says what happened, with a photo.
    with app.app_context():
        db.session.execute(
            text(
                "UPDATE initiatives SET starts_at = now() - interval '4 hours',"
                " ends_at = now() - interval '1 hour' WHERE id = :i"
            ),
            {"i": event_id},
        )
        db.session.commit()
        db.session.remove()
    organiser.goto(event_url)
    expect(organiser.locator("#attendees")).to_contain_text("Sam")
    organiser.get_by_text("Say what happened and what was decided").click()
    organiser.get_by_label("What happened?").fill("Eight came; the bench is done. Next: two more.")
    organiser.locator("#photos-0-file").set_input_files(str(photo_file(tmp_path)))
    organiser.locator("#photos-0-alt").fill("The finished bench under the plane tree")
    organiser.get_by_role("button", name="Post the update").click()
    timeline = organiser.locator(".timeline")
    expect(timeline).to_contain_text("Eight came; the bench is done.")
    expect(
        timeline.get_by_role("img", name="The finished bench under the plane tree")
    ).to_be_visible()
    for width in (320, 390, 1280):
        organiser.set_viewport_size({"width": width, "height": 900})
        organiser.screenshot(path=str(artifacts / f"event-outcome-{width}.png"), full_page=True)
    assert organiser.errors == []
