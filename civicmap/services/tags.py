"""Skills and other tags: typed as comma-separated text, stored as a clean list."""

from flask_babel import lazy_gettext as _l

from civicmap.errors import Invalid

MAX_TAGS = 20
MAX_TAG_LENGTH = 40


def parse_tags(text: str | None, field: str = "skills") -> list[str]:
    """'Gardening, bike repair,gardening' -> ['gardening', 'bike repair'] (order kept)."""
    tags: list[str] = []
    for raw in (text or "").split(","):
        tag = " ".join(raw.split()).lower()
        if not tag or tag in tags:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise Invalid(
                field, _l("Each skill can be at most %(n)s characters.", n=MAX_TAG_LENGTH)
            )
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise Invalid(field, _l("Give at most %(n)s skills.", n=MAX_TAGS))
    return tags
