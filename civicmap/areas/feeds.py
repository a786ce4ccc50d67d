"""Atom feeds of new items, built with feedgen (valid Atom, not hand-written XML)."""

from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from civicmap.forms import CONTROLS
from civicmap.initiatives.urls import item_url
from civicmap.models.vocabulary import KINDS

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def xml_text(text: str) -> str:
    """Text XML can hold: forms strip control characters as people type (civicmap.forms), and
    this keeps one stored before that (or loaded another way) from breaking the whole feed."""
    return CONTROLS.sub("", text)


def atom(title: str, self_url: str, page_url: str, items) -> bytes:
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(title)
    feed.link(href=page_url, rel="alternate")
    feed.link(href=self_url, rel="self")
    feed.language("en")
    feed.author({"name": "civicmap"})
    # An empty feed still needs an <updated>: the epoch says "nothing yet".
    feed.updated(max((i.updated_at for i in items), default=EPOCH))
    for i in reversed(items):  # feedgen prepends: add oldest first so the newest leads
        entry = feed.add_entry()
        link = item_url(i, _external=True)
        entry.id(link)
        entry.title(xml_text(f"{KINDS[i.kind]}: {i.title}"))
        entry.link(href=link)
        entry.published(i.created_at)
        entry.updated(i.updated_at)
        # No author names: like the downloads and the API, feeds carry no personal data.
        entry.summary(xml_text(i.summary or i.description[:280]))
        entry.category(term=i.category)
    return feed.atom_str(pretty=True)
