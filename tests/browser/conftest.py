"""Browser journeys: the app served on loopback, driven in Debian's headless Chromium.

The live server reads committed data, so these tests do not use the rolled-back `session`
fixture; each test starts from wards only and the tables are emptied after it (clean_db).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("CIVICMAP_ARTIFACTS", Path(__file__).parents[2] / "test-artifacts"))


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, clean_db):
    """new_page() -> a page in a fresh browser context (a separate person), with console
    errors (a CSP violation, a script error) collected in page.errors."""
    contexts = []

    def make(**options):
        options = {"base_url": live_server, "viewport": {"width": 1280, "height": 900}} | options
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def axe_page(app, browser, live_server, clean_db):
    from tests.browser.test_axe import AXE
    from tests.browser.test_map_journeys import seed

    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: `make test` installs it with npm ci")
    seed(app)
    context = browser.new_context(base_url=live_server, bypass_csp=True)
    yield context.new_page()
    context.close()
