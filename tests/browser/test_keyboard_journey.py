"""Every journey by keyboard alone, in Chromium, never touching the mouse: controls are reached
with focus() or Tab, text is typed, buttons and links are pressed with Enter or Space. Two
people: Ana signs up and shares a project (its place by postcode, then the arrow keys on the
pin); Ben signs up, opens it, appreciates it, follows it, proposes an action; Ana volunteers
for it, Ben messages her; Ana reports a comment. Screenshots at 320 px of two steps."""

import re

from playwright.sync_api import expect
from sqlalchemy import text

from civicmap.extensions import db
from civicmap.services import areas

PASSWORD = "a-long-Lambeth-passphrase"


def press(locator, key="Enter"):
    locator.focus()
    locator.page.keyboard.press(key)


def type_into(locator, words: str):
    locator.focus()
    locator.page.keyboard.type(words)


def sign_up(page, name: str):
    page.goto("/signup")
    type_into(page.get_by_label("Email"), f"{name.lower()}@example.org")
    type_into(page.get_by_label("Display name"), name)
    type_into(page.get_by_label("Password", exact=True), PASSWORD)
    type_into(page.get_by_label("Password again"), PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My civicmap")).to_be_visible()


def test_every_journey_by_keyboard_alone(app, new_page, artifacts, postcodes_file):
    with app.app_context():
        with postcodes_file.open(encoding="utf-8", newline="") as lines:
            areas.import_postcodes(db.session, lines)
        db.session.commit()
        db.session.remove()
    try:
        ana = new_page()
        sign_up(ana, "Ana")
        press(ana.get_by_role("link", name="Share a project"))
        type_into(ana.get_by_label("Title"), "Seed library in the old kiosk")
        type_into(ana.get_by_label("Description"), "Swap seeds every Saturday.")
        type_into(ana.get_by_label("Postcode", exact=True), "SW2 1RW")
        ana.keyboard.press("Enter")  # finds the postcode
        expect(ana.locator("#picker-status")).to_have_text(re.compile("^Pin moved to SW2 1RW"))
        press(ana.get_by_role("button", name=re.compile("^Location pin")), "ArrowLeft")
        expect(ana.locator("#picker-status")).to_have_text(re.compile("^Pin at .*, in "))
        press(ana.get_by_role("button", name="Share project"))
        expect(ana.get_by_role("heading", name="Seed library in the old kiosk")).to_be_visible()
        project_url = ana.url

        ben = new_page(viewport={"width": 320, "height": 800})
        sign_up(ben, "Ben")
        ben.goto(project_url)
        type_into(ben.get_by_label("Thank-you note (optional)"), "Lovely idea")
        press(ben.get_by_role("button", name="Appreciate"))
        expect(ben.get_by_text("Thank you for your appreciation.")).to_be_visible()
        press(ben.get_by_role("button", name="Follow this project"))
        expect(ben.get_by_text("You will be told of what happens here.")).to_be_visible()
        type_into(ben.get_by_label("Your comment"), "I can bring envelopes.")
        press(ben.get_by_role("button", name="Post comment"))
        expect(ben.get_by_text("Your comment is posted.")).to_be_visible()
        type_into(ben.get_by_label("What will you do?"), "Build shelves for the seed packets")
        volunteers = ben.get_by_label("Volunteers needed")
        volunteers.focus()
        ben.keyboard.press("Control+A")
        ben.keyboard.type("2")
        press(ben.get_by_role("button", name="Propose this action"))
        expect(ben.get_by_text("Your proposal is posted. Thank you!")).to_be_visible()
        ben.screenshot(path=str(artifacts / "keyboard-journey-proposed-320.png"), full_page=True)

        ana.reload()
        press(ana.get_by_role("button", name="Volunteer for this"))
        expect(ana.get_by_text("Thank you for volunteering!")).to_be_visible()

        ben.reload()
        press(ben.get_by_text("Message Ana"), "Enter")  # opens the <details>
        type_into(ben.get_by_label("Message to Ana"), "See you on Saturday at ten.")
        press(ben.get_by_role("button", name="Send message"))
        expect(ben.get_by_text("Your message has been sent.")).to_be_visible()

        press(ana.get_by_role("link", name="My civicmap"))
        press(ana.get_by_role("link", name=re.compile("^My messages")))
        expect(ana.get_by_text("See you on Saturday at ten.")).to_be_visible()
        ana.goto(project_url)
        press(ana.get_by_role("link", name="Report this comment"))
        first_reason = ana.get_by_role("radio").first
        first_reason.focus()
        ana.keyboard.press("ArrowDown")  # radios move with the arrow keys
        type_into(ana.get_by_label("Anything moderators should know (optional)"), "Off topic")
        press(ana.get_by_role("button", name="Send the report"))
        expect(ana.get_by_text("Thank you. A moderator will look at it.")).to_be_visible()
        ana.set_viewport_size({"width": 320, "height": 800})
        ana.screenshot(path=str(artifacts / "keyboard-journey-reported-320.png"), full_page=True)
        assert ana.errors == [] and ben.errors == []
    finally:
        with app.app_context():
            db.session.execute(text("DELETE FROM postcodes"))
            db.session.commit()
            db.session.remove()
