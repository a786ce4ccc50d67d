"""Small parts of "everyone can use it" (issue #14) done so far: account fields say what they
are to password managers, the list's pages are whole pages, the map can be skipped."""

import re

from tests.factories import make_initiative


def test_account_fields_carry_autocomplete_tokens(client, session):
    signup = client.get("/signup").get_data(as_text=True)
    assert re.search(
        r'name="email"[^>]*autocomplete="email"|autocomplete="email"[^>]*name="email"', signup
    )
    assert signup.count('autocomplete="new-password"') == 2
    login = client.get("/login").get_data(as_text=True)
    assert 'autocomplete="username"' in login and 'autocomplete="current-password"' in login


def test_the_lists_pages_are_whole_pages_not_the_fragment(client, session):
    for n in range(25):
        make_initiative(session, title=f"Item {n}")
    fragment = client.get("/list?partial=1").get_data(as_text=True)
    nxt = re.search(r'rel="next" href="([^"]+)"', fragment)[1]
    assert "partial" not in nxt
    page = client.get(nxt.replace("&amp;", "&")).get_data(as_text=True)
    assert "<title>" in page and "<nav" in page


def test_the_map_can_be_skipped(client, session):
    page = client.get("/").get_data(as_text=True)
    assert 'href="#list-heading"' in page and 'id="list-heading"' in page
