"""The map in Chromium: clusters and pins, filters, cluster zoom, popups, keyboard list,
no tile server. Screenshots go to test-artifacts/ for a person to look at."""

import re

from playwright.sync_api import expect
from sqlalchemy import text

from civicmap.extensions import db
from civicmap.services import demo


def seed(app, synthetic: int = 0):
    """Committed data for the live server: the demo, plus synthetic items if asked."""
    with app.app_context():
        demo.seed_demo(db.session)
        if synthetic:
            demo.seed_synthetic(db.session, synthetic)
        db.session.commit()
        total = db.session.scalar(text("SELECT count(*) FROM initiatives"))
        db.session.remove()
    return total


def pins_drawn(page):
    return page.locator("#map .pin-icon")


def wait_for_map(page):
    expect(page.locator("#map")).not_to_have_attribute("aria-busy", "true")
    page.locator("#map .leaflet-marker-icon").first.wait_for()


def test_the_front_page_shows_clusters_then_pins_and_works_without_tiles(app, new_page, artifacts):
    seed(app, synthetic=3000)
    page = new_page()
    page.goto("/")
    wait_for_map(page)
    expect(page.locator("#map")).to_have_attribute("data-mode", "clusters")
    assert page.locator("#map .leaflet-tile").count() == 0  # no tile server, still a map
    expect(page.locator("#map .leaflet-overlay-pane path").first).to_be_attached()  # outline
    page.screenshot(path=str(artifacts / "front-page.png"), full_page=True)

    before = page.evaluate("window.civicmap.maps.map.getZoom()")
    page.locator("#map .cluster-mixed").first.click()
    expect(page).to_have_url(re.compile(rf"z=({before + 2}|{before + 1})"))
    assert page.errors == []


def test_filters_change_the_pins_and_the_url(app, new_page):
    seed(app)
    page = new_page()
    page.goto("/?lat=51.4607&lon=-0.1163&z=13")
    wait_for_map(page)
    expect(page.locator("#map")).to_have_attribute("data-mode", "points")
    everything = pins_drawn(page).count() + page.locator("#map .cluster-icon").count()
    assert everything > 0
    for kind in ("Projects", "Ideas", "Open proposals"):
        page.get_by_role("checkbox", name=kind).uncheck()
    expect(page).to_have_url(re.compile(r"kind=offer"))
    expect(page.locator("#map .pin-icon.marker-project")).to_have_count(0)
    expect(page.locator("#map .pin-icon.marker-offer").first).to_be_visible()
    page.get_by_label("Search").fill("no such thing anywhere")
    page.get_by_label("Search").press("Enter")
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(0)
    expect(page.locator("#item-list")).to_contain_text("Nothing matches")
    assert page.errors == []


def test_a_popup_link_leads_to_the_items_page(app, new_page):
    seed(app)
    page = new_page()
    page.goto("/?lat=51.4575&lon=-0.1236&z=16&kind=project")
    wait_for_map(page)
    page.locator("#map .pin-icon.marker-project").first.click()
    link = page.locator(".leaflet-popup-content a").first
    title = link.inner_text()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert page.errors == []


def test_the_list_is_reachable_and_usable_with_the_keyboard_alone(app, new_page):
    seed(app)
    page = new_page()
    page.goto("/")
    wait_for_map(page)
    expect(page.locator("#item-list")).to_have_attribute("data-loaded", "true")
    first_link = page.locator("#item-list a").first
    title = first_link.inner_text()
    # A keyboard user tabs to "Skip the map" (the map's pins are Tab stops too), follows it,
    # and the next Tab is in the list.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href') === '#list-heading'"):
            break
    else:
        raise AssertionError("the skip-the-map link was never reached with Tab")
    page.keyboard.press("Enter")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#item-list') !== null"):
            break
    else:
        raise AssertionError("the list was not the next thing after skipping the map")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == title
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_the_ward_page_and_wards_map(app, new_page, artifacts):
    seed(app)
    page = new_page()
    page.goto("/areas")
    expect(page.locator("#choropleth .leaflet-overlay-pane path")).to_have_count(25)
    page.get_by_role("button", name="Projects").click()
    expect(page.locator("#ward-table thead th").nth(1)).to_have_attribute("aria-sort", "ascending")
    page.get_by_role("link", name="Brixton Acre Lane").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Brixton Acre Lane")
    wait_for_map(page)
    page.screenshot(path=str(artifacts / "ward-page.png"), full_page=True)
    assert page.errors == []


def test_near_me_lists_the_nearest_items_with_distances(app, new_page):
    seed(app)
    page = new_page(
        geolocation={"latitude": 51.4627, "longitude": -0.1145}, permissions=["geolocation"]
    )
    page.goto("/")
    wait_for_map(page)
    page.get_by_role("button", name="Near me").click()
    expect(page.locator("#item-list")).to_contain_text("nearest to your location first")
    expect(page.locator("#item-list")).to_contain_text(" m away")
    distances = [
        int(t.replace(",", "").split(" m away")[0].split("· ")[-1])
        for t in page.locator("#item-list .meta").all_inner_texts()
        if " m away" in t
    ]
    assert distances == sorted(distances) and distances[0] < 500
    assert page.errors == []


def test_a_pin_is_named_reached_and_opened_by_keyboard(app, new_page):
    seed(app)
    page = new_page()
    page.goto("/?lat=51.4575&lon=-0.1236&z=16&kind=project")
    wait_for_map(page)
    pin = pins_drawn(page).first
    name = pin.get_attribute("title")
    assert re.match(r"Project: .+, .+", name), name  # "Project: title, ward"
    pin.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup-content")).to_be_visible()


def test_clusters_say_what_they_hold(app, new_page):
    seed(app, synthetic=3000)
    page = new_page()
    page.goto("/")
    wait_for_map(page)
    expect(page.locator("#map")).to_have_attribute("data-mode", "clusters")
    name = page.locator("#map .leaflet-marker-icon").first.get_attribute("title")
    assert re.match(r"\d+ items \(.*projects: \d+.*\)\. Zoom in", name), name


def test_near_me_says_so_when_location_is_refused(app, browser, live_server, clean_db):
    context = browser.new_context(base_url=live_server, permissions=[])
    page = context.new_page()
    page.goto("/")
    page.get_by_role("button", name="Near me").click()
    expect(page.locator("#near-me-status")).to_have_text(re.compile("Type a postcode instead"))
    context.close()


def test_the_list_announces_its_count_only_and_idea_pins_are_diamonds(app, new_page, artifacts):
    seed(app)
    page = new_page()
    page.goto("/?lat=51.4575&lon=-0.1236&z=15")
    wait_for_map(page)
    assert page.locator("#item-list").get_attribute("aria-live") is None
    page.evaluate("civicmap.maps.map.setZoom(14)")
    expect(page.locator("#list-status")).to_have_text(re.compile(r"^\d+ items?, newest first$"))
    idea = page.locator("#map .pin-icon.marker-idea").first
    if idea.count():
        turned = idea.evaluate("e => getComputedStyle(e, '::before').transform")
        assert turned not in ("none", ""), turned
    page.screenshot(path=str(artifacts / "map-pins.png"))


def test_on_a_phone_the_map_comes_first_and_the_filters_fold_away(app, new_page, artifacts):
    seed(app)
    page = new_page(viewport={"width": 390, "height": 844})
    page.goto("/")
    wait_for_map(page)
    map_box = page.locator("#map").bounding_box()
    assert map_box["y"] < 844 and map_box["height"] >= 300  # above the fold
    expect(page.get_by_label("Search")).to_be_hidden()
    page.get_by_text("Filter the map and list").click()
    expect(page.get_by_label("Search")).to_be_visible()
    page.screenshot(path=str(artifacts / "front-page-390.png"), full_page=True)
    below = "document.querySelector('#filter-q').getBoundingClientRect().top"
    below += " > document.querySelector('#map').getBoundingClientRect().bottom"
    assert page.evaluate(below)  # the filters come after the map
    page.screenshot(path=str(artifacts / "front-page-390.png"), full_page=True)
    wide = new_page()
    wide.goto("/")
    expect(wide.get_by_label("Search")).to_be_visible()  # beside the map on a wide screen
    assert (
        wide.get_by_label("Search").bounding_box()["x"] < wide.locator("#map").bounding_box()["x"]
    )
