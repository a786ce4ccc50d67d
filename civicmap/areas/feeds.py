"""Atom feeds of new items, built with feedgen (valid Atom, not hand-written XML)."""

from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from flask import url_for

from civicmap.initiatives.urls import item_url
from civicmap.models.vocabulary import KINDS

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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
        entry.title(f"{KINDS[i.kind]}: {i.title}")
        entry.link(href=link)
        entry.published(i.created_at)
        entry.updated(i.updated_at)
        entry.author(
            {
                "name": i.author.display_name,
                "uri": url_for("people.profile", user_id=i.author_id, _external=True),
            }
        )
        entry.summary(i.summary or i.description[:280])
        entry.category(term=i.category)
    return feed.atom_str(pretty=True)
