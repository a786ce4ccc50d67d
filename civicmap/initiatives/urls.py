"""URLs of items: /projects/12, /ideas/3, /offers/7."""

from flask import url_for

from civicmap.models.vocabulary import ITEM_KIND_OF as KIND_OF

PLURALS = {kind: plural for plural, kind in KIND_OF.items()}
# The URL part for any kind of item: <any(projects, ideas, offers):plural>
KINDS = f"<any({', '.join(PLURALS.values())}):plural>"


def item_url(item, action: str = "show", **values) -> str:
    """URL of an item's page, or of an action on it ("edit", "engagement.appreciate")."""
    endpoint = action if "." in action else f"initiatives.{action}"
    return url_for(endpoint, plural=PLURALS[item.kind], item_id=item.id, **values)
