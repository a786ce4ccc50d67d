"""At 320 px wide nothing scrolls sideways (WCAG 1.4.10 reflow), on every page type logged out
and logged in: wide tables scroll inside their own box instead."""

from tests.browser.test_axe import CLEAN, LOGGED_IN  # the same pages


def test_no_page_scrolls_sideways_at_320_px(axe_page):
    from civicmap.services.demo import DEMO_DOMAIN, DEMO_PASSWORD

    page = axe_page
    page.set_viewport_size({"width": 320, "height": 700})

    def overflow(url: str) -> int:
        page.goto(url)
        return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")

    found = {url: overflow(url) for url in CLEAN}
    page.goto("/login")
    page.get_by_label("Email").fill(f"sam@{DEMO_DOMAIN}")  # an officer
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    found |= {url: overflow(url) for url in [*LOGGED_IN, "/officers"]}
    assert {url: px for url, px in found.items() if px > 1} == {}
