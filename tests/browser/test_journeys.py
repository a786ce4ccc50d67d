"""A resident's journey end to end, found by labels and roles as a person would."""

import re

from playwright.sync_api import expect

PASSWORD = "a-long-Lambeth-passphrase"


def sign_up(page, name: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill(f"{name.lower().replace(' ', '.')}@example.org")
    page.get_by_label("Display name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="My civicmap")).to_be_visible()


def click_map_at(page, map_id: str, lat: float, lon: float) -> None:
    """Click the Leaflet map where (lat, lon) is drawn."""
    page.locator(f"#{map_id} .leaflet-overlay-pane path").first.wait_for()  # outline drawn
    # Ask Leaflet where the point is on screen, as the person's eye would find it.
    x, y = page.evaluate(
        """([id, lat, lon]) => {
            const map = window.civicmap.maps[id];
            const p = map.latLngToContainerPoint([lat, lon]);
            return [p.x, p.y];
        }""",
        [map_id, lat, lon],
    )
    page.locator(f"#{map_id}").click(position={"x": x, "y": y})


def test_share_appreciate_propose_volunteer_until_full(new_page):
    amara = new_page()
    sign_up(amara, "Amara Okafor")
    amara.get_by_role("link", name="Share a project").first.click()
    amara.get_by_label("Title").fill("Wildflower verges on Acre Lane")
    amara.get_by_label("Summary").fill("Pollinator strips instead of mown grass.")
    amara.get_by_label("Description").fill("We sow native wildflowers.\nJoin us!")
    amara.get_by_label("Category").select_option(label="Environment & green spaces")
    click_map_at(amara, "picker-map", 51.457575, -0.123613)  # inside Brixton Acre Lane
    expect(amara.get_by_label("Latitude")).to_have_value(re.compile(r"^51\.45"))
    amara.get_by_role("button", name="Share project").click()
    expect(amara.get_by_role("heading", name="Wildflower verges on Acre Lane")).to_be_visible()
    expect(amara.get_by_role("link", name="Brixton Acre Lane")).to_be_visible()
    project_url = amara.url
    assert amara.errors == []

    ben = new_page()
    sign_up(ben, "Ben Adams")
    ben.goto(project_url)
    ben.get_by_label("Thank-you note (optional)").fill("Lovely idea")
    ben.get_by_role("button", name="Appreciate").click()
    expect(ben.locator("#appreciation-count")).to_have_text("1")
    ben.get_by_label("What will you do?").fill("I will bring seeds and run a sowing morning.")
    ben.get_by_label("Volunteers needed").fill("1")
    ben.get_by_role("button", name="Propose this action").click()
    expect(ben.get_by_text("0 of 1 volunteers")).to_be_visible()

    cara = new_page()
    sign_up(cara, "Cara Lewis")
    cara.goto(project_url)
    cara.get_by_label("Note to Ben Adams (optional)").fill("I have gloves")
    cara.get_by_role("button", name="Volunteer for this").click()
    expect(cara.get_by_text("You are volunteering for this.")).to_be_visible()
    expect(cara.get_by_text("1 of 1 volunteers")).to_be_visible()

    dev = new_page()
    sign_up(dev, "Dev Patel")
    dev.goto(project_url)
    expect(dev.get_by_text("This proposal has all the volunteers it needs.")).to_be_visible()
    expect(dev.get_by_role("button", name="Volunteer for this")).to_have_count(0)

    ben.reload()
    expect(ben.get_by_role("link", name="Cara Lewis")).to_be_visible()
    expect(ben.get_by_text("I have gloves")).to_be_visible()
    for page in (ben, cara, dev):
        assert page.errors == []


def test_an_offer_is_shown_without_its_exact_point(new_page):
    page = new_page()
    sign_up(page, "Tomas Silva")
    page.get_by_role("link", name="Offer skills or support").first.click()
    page.get_by_label("Title").fill("Bike repairs on Saturdays")
    page.get_by_label("Description").fill("Bring your bike, I will fix it.")
    page.get_by_label("What you offer").select_option(label="Skills")
    page.get_by_label("Skills", exact=True).fill("bike repair")
    # Typed, as without JavaScript: the exact point a person might give for their home.
    page.get_by_label("Latitude").fill("51.462712")
    page.get_by_label("Longitude").fill("-0.114533")
    page.get_by_role("button", name="Make the offer").click()
    expect(page.get_by_role("heading", name="Bike repairs on Saturdays")).to_be_visible()
    html = page.content()
    assert "51.462712" not in html and "-0.114533" not in html
    shown = page.locator("#item-map")
    lat, lon = float(shown.get_attribute("data-lat")), float(shown.get_attribute("data-lon"))
    assert (lat, lon) != (51.462712, -0.114533)
    assert abs(lat - 51.462712) < 0.0025 and abs(lon + 0.114533) < 0.004
    expect(page.get_by_text("Shown approximately")).to_be_visible()
    assert page.errors == []


def test_a_form_refused_on_the_server_keeps_what_was_typed(new_page):
    page = new_page()
    sign_up(page, "Grace Mensah")
    page.goto("/projects/new")
    page.get_by_label("Title").fill("Across the river")
    page.get_by_label("Description").fill("Somewhere in Westminster.")
    page.get_by_label("Latitude").fill("51.4995")
    page.get_by_label("Longitude").fill("-0.1248")
    page.get_by_role("button", name="Share project").click()
    expect(page.get_by_role("alert").first).to_contain_text("This location is outside Lambeth.")
    expect(page.get_by_label("Title")).to_have_value("Across the river")
    expect(page.get_by_label("Description")).to_have_value("Somewhere in Westminster.")


def test_a_refused_form_puts_focus_on_what_went_wrong(new_page):
    page = new_page()
    page.goto("/signup")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.errors == [] or all("422" in e for e in page.errors)
