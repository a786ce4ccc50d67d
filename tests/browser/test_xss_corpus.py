"""An XSS corpus in Chromium, with the site's CSP switched off so that escaping alone is tested:
88 payloads through every kind of text people write (items, comments, proposals, appreciation
and volunteering notes, messages, profile, skills), then every page, feed and map popup that
shows them. Nothing may run: no dialog, no flag set, no injected script element or inline
event handler in any page."""

from __future__ import annotations

from sqlalchemy import text

from civicmap.extensions import db
from civicmap.geo import parse_point, to_db
from civicmap.models import (
    Appreciation,
    Comment,
    Idea,
    Message,
    Project,
    Proposal,
    Report,
    User,
    Volunteering,
)
from tests.conftest import PASSWORD

VECTORS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '<svg onload="window.__xss=1">',
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    '<iframe srcdoc="<script>parent.__xss=1</script>">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<style>@import 'javascript:alert(1)'</style>",
    '<object data="javascript:alert(1)">',
    '<embed src="javascript:alert(1)">',
    "<video><source onerror=alert(1)>",
    "<audio src=x onerror=alert(1)>",
    "<form><button formaction=javascript:alert(1)>x",
    '![x](x" onerror="alert(1))',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<svg><script>alert&#40;1&#41;</script>",
    '<a href="&#106;avascript:alert(1)">x</a>',
    "javascript:alert(1)",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    '<div onmouseover="alert(1)" style="position:fixed;inset:0">',
    "<img src=1 onerror=alert`1`>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<x contenteditable onblur=alert(1)>x",
    "<link rel=stylesheet href=javascript:alert(1)>",
    '<table background="javascript:alert(1)">',
    "<!--<img src=--><img src=x onerror=alert(1)//>",
    "{{7*7}}<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<<script>alert(1)//<</script>",
    '<a href="data:text/html,<script>alert(1)</script>">d</a>',
]
PAYLOADS = [v for v in VECTORS] + [f"Neighbours {v}" for v in VECTORS]
FLAGS = """() => {
  const found = [];
  if (window.__xss) found.push('flag');
  document.querySelectorAll('script:not([src])').forEach(s => found.push('inline script'));
  document.querySelectorAll('*').forEach(el => {
    for (const a of el.attributes) {
      if (a.name.startsWith('on')) found.push(el.tagName + ' ' + a.name);
    }
  });
  document.querySelectorAll('a[href^="javascript"], iframe, object, embed, base, meta[http-equiv]')
    .forEach(el => found.push(el.outerHTML.slice(0, 80)));
  return found;
}"""


def seed(app) -> dict:
    """Committed rows carrying every payload in every kind of text field."""
    with app.app_context():
        s = db.session
        author = User(email="xss-author@example.org", display_name="Author", password_hash="x")
        evil = User(
            email="xss-evil@example.org",
            display_name=PAYLOADS[2][:60],
            bio=PAYLOADS[3],
            skills=[p[:40] for p in PAYLOADS[:5]],
            password_hash="x",
        )
        from werkzeug.security import generate_password_hash

        reader = User(
            email="xss-reader@example.org",
            display_name="Reader",
            password_hash=generate_password_hash(PASSWORD),
            role="moderator",
        )
        s.add_all([author, evil, reader])
        s.flush()
        projects = []
        for n, payload in enumerate(PAYLOADS):
            lat, lon = 51.4576 + (n % 9) * 0.0004, -0.1236 + (n // 9) * 0.0004
            projects.append(
                Project(
                    title=payload[:120],
                    summary=payload[:280],
                    description=payload,
                    category="arts",
                    status="active",
                    author_id=evil.id,
                    location=to_db(parse_point(lat, lon)),
                )
            )
        idea = Idea(
            title="Ideas welcome",
            description="Say anything.",
            category="arts",
            status="open",
            author_id=author.id,
            location=to_db(parse_point(51.4576, -0.1236)),
        )
        s.add_all([*projects, idea])
        s.flush()
        for n, payload in enumerate(PAYLOADS):
            s.add(
                Comment(
                    initiative_id=idea.id, initiative_kind="idea", author_id=evil.id, body=payload
                )
            )
            if n < 30:
                s.add(
                    Proposal(
                        initiative_id=idea.id,
                        initiative_kind="idea",
                        author_id=evil.id,
                        action=payload,
                        volunteers_needed=5,
                        status="open",
                    )
                )
            s.add(Message(sender_id=evil.id, recipient_id=reader.id, body=payload))
            s.add(
                Report(
                    reporter_id=reader.id,
                    target_kind="item",
                    target_id=projects[n].id,
                    reason="other",
                    note=payload[:500],
                )
            )
        s.add(
            Appreciation(
                initiative_id=idea.id,
                initiative_kind="idea",
                user_id=evil.id,
                note=PAYLOADS[4][:280],
            )
        )
        s.flush()
        first = s.scalar(text("SELECT min(id) FROM proposals"))
        s.add(Volunteering(proposal_id=first, user_id=reader.id, note=PAYLOADS[5][:280]))
        s.commit()
        ids = {
            "idea": idea.id,
            "evil": evil.id,
            "projects": [p.id for p in projects],
            "reader_email": reader.email,
        }
        s.remove()
    return ids


def test_no_payload_runs_anywhere(app, browser, live_server, clean_db):
    ids = seed(app)
    context = browser.new_context(
        base_url=live_server, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    findings: dict[str, list] = {}

    def visit(url: str) -> None:
        page.goto(url)
        found = page.evaluate(FLAGS)
        if found:
            findings[url] = found

    page.goto("/login")
    page.get_by_label("Email").fill(ids["reader_email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    urls = [
        "/",
        "/list",
        "/list?page=2",
        "/list?page=3",
        "/list?page=4",
        "/list?q=neighbours",
        f"/ideas/{ids['idea']}",
        f"/people/{ids['evil']}",
        "/me",
        "/me/messages",
        "/moderation",
        "/areas",
        "/areas/brixton-acre-lane",
        "/feed.atom",
        "/areas/brixton-acre-lane/feed.atom",
        "/ogc/collections/projects/items?f=html&limit=100",
        "/moderation/log",
        *[f"/projects/{pid}" for pid in ids["projects"]],
    ]
    for url in urls:
        visit(url)
    # The map's popups, built by map.js from the pins' JSON.
    page.goto("/?lat=51.4590&lon=-0.1220&z=18&kind=project")
    page.locator("#map .pin-icon").first.wait_for()
    pins = page.locator("#map .pin-icon")
    opened = 0
    for n in range(min(pins.count(), 30)):
        pins.nth(n).click(force=True)
        page.wait_for_timeout(80)
        if page.locator(".leaflet-popup-content").count():
            opened += 1
            found = page.evaluate(FLAGS)
            if found:
                findings[f"popup {n}"] = found
        page.keyboard.press("Escape")
    found = page.evaluate(FLAGS)
    if found:
        findings["map popups"] = found
    context.close()
    assert len(PAYLOADS) >= 60 and opened >= 20
    assert dialogs == [] and findings == {}, (dialogs, findings)
