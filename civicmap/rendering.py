"""Turning what people write into safe HTML: Markdown without raw HTML, then sanitised."""

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML in user text is shown as text, never run; nh3 is a second, independent guard.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True}).enable(
    ["linkify"]
)
_markdown.disable(["image"])  # no hot-linked images (tracking pixels) in user text

_TAGS = {"p", "br", "a", "em", "strong", "ul", "ol", "li", "blockquote", "code", "pre"}


def user_text(text: str | None) -> Markup:
    """HTML for a description or comment, safe to put in a page."""
    if not text:
        return Markup("")
    html = _markdown.render(text)
    return Markup(  # noqa: S704 - nh3 has just sanitised it
        nh3.clean(
            html,
            tags=_TAGS,
            attributes={"a": {"href"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="nofollow ugc noopener",
        )
    )
