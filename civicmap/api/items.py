"""/api/v1/projects, /ideas, /offers: pages of items and single items."""

from civicmap.api import bp
from civicmap.api.registry import collection_routes
from civicmap.api.schemas import IdeaQuery, ItemCollection, ItemFeature, OfferQuery, ProjectQuery
from civicmap.services import features

ITEM_ID = ("item_id", "id", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1})

for name, query in (("projects", ProjectQuery), ("ideas", IdeaQuery), ("offers", OfferQuery)):
    collection_routes(
        bp,
        name,
        name,
        query,
        ItemCollection,
        ItemFeature,
        fetch_page=lambda session, q, name=name: features.items(session, name, q),
        fetch_one=lambda session, item_id, name=name: features.item(session, name, item_id),
        key=ITEM_ID,
    )
