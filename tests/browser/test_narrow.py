"""At 320 px wide nothing scrolls sideways (WCAG 1.4.10 reflow), on every page type logged out
and logged in, and in Polish and Portuguese (the longest words): wide tables scroll inside their
own box instead."""

from tests.browser.test_axe import CLEAN, LOGGED_IN  # the same pages


def test_no_page_scrolls_sideways_at_320_px(axe_page):
    from civicmap.services.demo import DEMO_DOMAIN, DEMO_PASSWORD

    page = axe_page
    page.set_viewport_size({"width": 320, "height": 700})

    def overflow(url: str) -> int:
        page.goto(url)
        return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")

    found = {url: overflow(url) for url in CLEAN}
    for language in ("pl", "pt-PT"):
        found |= {
            f"{url} ({language})": overflow(f"{url}{'&' if '?' in url else '?'}lang={language}")
            for url in CLEAN
        }
    page.goto("/?lang=pl")
    page.screenshot(path="test-artifacts/front-pl-320.png", full_page=True)
    page.goto("/login")
    page.get_by_label("Email").fill(f"sam@{DEMO_DOMAIN}")  # an officer
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    found |= {url: overflow(url) for url in [*LOGGED_IN, "/officers"]}
    assert {url: px for url, px in found.items() if px > 1} == {}
