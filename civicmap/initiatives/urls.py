"""URLs of items: /projects/12, /ideas/3, /offers/7."""

from flask import url_for

PLURALS = {"project": "projects", "idea": "ideas", "offer": "offers"}
KIND_OF = {plural: kind for kind, plural in PLURALS.items()}


def item_url(item, action: str = "show", **values) -> str:
    """URL of an item's page, or of an action on it ("edit", "engagement.appreciate")."""
    endpoint = action if "." in action else f"initiatives.{action}"
    return url_for(endpoint, plural=PLURALS[item.kind], item_id=item.id, **values)
