"""Routes register here once: Flask gets the view, and OpenAPI gets its description."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import orjson
from flask import Response, request
from pydantic import BaseModel

from civicmap import filters, paging
from civicmap.extensions import db
from civicmap.services.features import Result

DEFAULT_LIMIT = 100


@dataclass
class Endpoint:
    path: str  # OpenAPI form, e.g. /projects/{item_id}
    summary: str
    tag: str
    response: type[BaseModel]
    parameters: list[dict] = field(default_factory=list)  # OpenAPI query parameters
    path_params: dict[str, dict] = field(default_factory=dict)
    media_type: str = "application/geo+json"


ENDPOINTS: list[Endpoint] = []


def register(bp, endpoint: Endpoint, view, flask_path: str) -> None:
    ENDPOINTS.append(endpoint)
    bp.add_url_rule(flask_path, endpoint=view.__name__, view_func=view, methods=["GET"])


def feature_collection(result: Result, page: paging.Paging, media_type: str):
    return json_response(
        {
            "type": "FeatureCollection",
            "features": orjson.Fragment(result.features),  # built by PostGIS
            "numberMatched": result.matched,
            "numberReturned": result.returned,
            "links": paging.page_links(result.matched, page, media_type),
        },
        media_type,
    )


def json_response(body, media_type: str = "application/json") -> Response:
    """A JSON answer; `body` may already be JSON text (built by the database)."""
    data = body.encode() if isinstance(body, str) else orjson.dumps(body)
    return Response(data, mimetype=media_type)


def collection_routes(
    bp,
    name: str,
    label: str,
    listing: type[BaseModel],
    feature: type[BaseModel],
    fetch_page: Callable,
    fetch_one: Callable,
    key: tuple[str, str, dict],
) -> None:
    """GET /<name> (a page of features) and GET /<name>/<key> (one), documented alike.

    `key` is (parameter name, Flask converter, JSON schema) of the one-feature path. The
    list's arguments are the collection's filters (civicmap.filters) and paging.
    """
    key_name, converter, key_schema = key
    scope = filters.COLLECTIONS[name]
    parameters = filters.openapi_parameters(scope) + paging.openapi_parameters(DEFAULT_LIMIT)

    def list_view():
        chosen = filters.parse_filters(request.args, scope)
        page = paging.parse_paging(request.args, DEFAULT_LIMIT)
        return feature_collection(
            fetch_page(db.session, chosen, page), page, "application/geo+json"
        )

    def one_view(**path):
        return json_response(fetch_one(db.session, path[key_name]), "application/geo+json")

    list_view.__name__, one_view.__name__ = f"list_{name}", f"get_{name}"
    register(
        bp, Endpoint(f"/{name}", f"List {label}", name, listing, parameters), list_view, f"/{name}"
    )
    register(
        bp,
        Endpoint(
            f"/{name}/{{{key_name}}}",
            f"One of the {label}",
            name,
            feature,
            path_params={key_name: key_schema},
        ),
        one_view,
        f"/{name}/<{converter}:{key_name}>",
    )
