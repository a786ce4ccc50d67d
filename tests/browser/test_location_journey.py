"""Choosing a location without a mouse or a map in Chromium: a postcode puts the pin at its
middle and says which ward that is; the focused pin moves with the arrow keys and says the ward
again; the form is sent with the keyboard. Screenshot at 390 px."""

import re

from playwright.sync_api import expect
from sqlalchemy import text
from werkzeug.security import generate_password_hash

from civicmap.extensions import db
from civicmap.models import User
from civicmap.services import areas

PASSWORD = "a-long-Lambeth-passphrase"


def seed(app, postcodes_file):
    with app.app_context():
        db.session.add(
            User(
                email="kim@example.org",
                display_name="Kim",
                password_hash=generate_password_hash(PASSWORD),
            )
        )
        with postcodes_file.open(encoding="utf-8", newline="") as lines:
            areas.import_postcodes(db.session, lines)
        db.session.commit()
        db.session.remove()


def test_a_location_by_postcode_then_arrow_keys(app, new_page, artifacts, postcodes_file):
    seed(app, postcodes_file)
    try:
        page = new_page(viewport={"width": 390, "height": 900})
        page.goto("/login")
        page.get_by_label("Email").fill("kim@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Password").press("Enter")
        expect(page.get_by_role("button", name="Log out")).to_be_attached()

        page.goto("/projects/new")
        page.get_by_label("Title").fill("Bulb planting on the green")
        page.get_by_label("Description").fill("Bring a trowel.")
        postcode = page.get_by_label("Postcode", exact=True)
        postcode.fill("sw2 1rw")
        postcode.press("Enter")  # finds it; does not send the form
        status = page.locator("#picker-status")
        expect(status).to_have_text(re.compile(r"^Pin moved to SW2 1RW, in [A-Z][\w &']+\.$"))
        start = float(page.get_by_label("Latitude").input_value())
        assert abs(start - 51.460662) < 1e-5

        pin = page.get_by_role("button", name=re.compile("^Location pin"))
        pin.focus()
        for _ in range(3):
            page.keyboard.press("ArrowUp")
        page.keyboard.press("Shift+ArrowRight")
        expect(status).to_have_text(
            re.compile(r"^Pin at 51\.46\d+, -0\.11\d+, in [A-Z][\w &']+\.$")
        )
        moved = float(page.get_by_label("Latitude").input_value())
        assert 0.00025 < moved - start < 0.00029  # three steps of about 10 m
        page.screenshot(path=str(artifacts / "location-by-keyboard-390.png"), full_page=True)

        page.get_by_role("button", name="Share project").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Bulb planting on the green")).to_be_visible()
        assert page.errors == []
    finally:
        with app.app_context():
            db.session.execute(text("DELETE FROM postcodes"))
            db.session.commit()
            db.session.remove()
