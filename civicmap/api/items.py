"""/api/v1/projects, /ideas, /offers, /events: pages of items and single items."""

from civicmap.api import bp
from civicmap.api.registry import collection_routes
from civicmap.api.schemas import ItemCollection, ItemFeature
from civicmap.services import features

ITEM_ID = ("item_id", "id", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1})

for name in ("projects", "ideas", "offers", "events"):
    collection_routes(
        bp,
        name,
        name,
        ItemCollection,
        ItemFeature,
        fetch_page=lambda session, f, page, name=name: features.items(session, name, f, page),
        fetch_one=lambda session, item_id, name=name: features.item(session, name, item_id),
        key=ITEM_ID,
    )
