"""/api/v1/projects, /ideas, /offers: lists and single items."""

from flask import request

from civicmap.api import bp
from civicmap.api.registry import (
    Endpoint,
    feature_collection,
    json_response,
    register,
    to_query,
    validate,
)
from civicmap.api.schemas import IdeaQuery, ItemCollection, ItemFeature, OfferQuery, ProjectQuery
from civicmap.extensions import db
from civicmap.services import features

QUERIES = {"projects": ProjectQuery, "ideas": IdeaQuery, "offers": OfferQuery}
ID = {"item_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}


def _list_view(collection: str):
    def view():
        q = to_query(validate(QUERIES[collection], request.args))
        return feature_collection(features.items(db.session, collection, q), q)

    view.__name__ = f"list_{collection}"
    return view


def _item_view(collection: str):
    def view(item_id: int):
        return json_response(features.item(db.session, collection, item_id), "application/geo+json")

    view.__name__ = f"get_{collection}"
    return view


for name, label in (("projects", "projects"), ("ideas", "ideas"), ("offers", "offers")):
    register(
        bp,
        Endpoint(f"/{name}", f"List {label}", name, ItemCollection, QUERIES[name]),
        _list_view(name),
        f"/{name}",
    )
    register(
        bp,
        Endpoint(f"/{name}/{{item_id}}", f"One of the {label}", name, ItemFeature, path_params=ID),
        _item_view(name),
        f"/{name}/<id:item_id>",
    )
