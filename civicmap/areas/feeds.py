"""Atom feeds of new items and of a project's updates, built with feedgen (valid Atom, not
hand-written XML)."""

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Entry:
    link: str  # also its id
    title: str
    summary: str
    published: datetime
    updated: datetime
    category: str | None = None


def atom(title: str, self_url: str, page_url: str, items) -> bytes:
    """A feed of items (newest first)."""
    return atom_of(
        title,
        self_url,
        page_url,
        [
            Entry(
                link=item_url(i, _external=True),
                title=f"{KINDS[i.kind]}: {i.title}",
                summary=i.summary or i.description[:280],
                published=i.created_at,
                updated=i.updated_at,
                category=i.category,
            )
            for i in items
        ],
    )


def atom_of(title: str, self_url: str, page_url: str, entries: list[Entry]) -> bytes:
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(title)
    feed.link(href=page_url, rel="alternate")
    feed.link(href=self_url, rel="self")
    feed.language("en")
    feed.author({"name": "civicmap"})
    # An empty feed still needs an <updated>: the epoch says "nothing yet".
    feed.updated(max((e.updated for e in entries), default=EPOCH))
    for e in reversed(entries):  # feedgen prepends: add oldest first so the newest leads
        entry = feed.add_entry()
        entry.id(e.link)
        entry.title(xml_text(e.title))
        entry.link(href=e.link)
        entry.published(e.published)
        entry.updated(e.updated)
        # No author names: like the downloads and the API, feeds carry no personal data.
        entry.summary(xml_text(e.summary))
        if e.category:
            entry.category(term=e.category)
    return feed.atom_str(pretty=True)
