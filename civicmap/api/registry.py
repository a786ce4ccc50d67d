"""Routes register here once: Flask gets the view, and OpenAPI gets its description."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import orjson
from flask import Response, request
from pydantic import BaseModel, ValidationError

from civicmap.errors import InvalidParameter
from civicmap.extensions import db
from civicmap.geo import parse_bbox
from civicmap.services.features import Query, Result


@dataclass
class Endpoint:
    path: str  # OpenAPI form, e.g. /projects/{item_id}
    summary: str
    tag: str
    response: type[BaseModel]
    query: type[BaseModel] | None = None
    path_params: dict[str, dict] = field(default_factory=dict)
    media_type: str = "application/geo+json"


ENDPOINTS: list[Endpoint] = []


def register(bp, endpoint: Endpoint, view, flask_path: str) -> None:
    ENDPOINTS.append(endpoint)
    bp.add_url_rule(flask_path, endpoint=view.__name__, view_func=view, methods=["GET"])


def validate(model: type[BaseModel], args) -> BaseModel:
    """Query arguments through their model; a 400 problem naming what is wrong otherwise."""
    try:
        return model.model_validate(args.to_dict())
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["loc"] == ("bbox",):
            parse_bbox(args.get("bbox"))  # raises with a message a person understands
        where = ".".join(str(p) for p in first["loc"]) or "query"
        raise InvalidParameter(where, f"{where}: {first['msg']}") from None


def to_query(params: BaseModel) -> Query:
    values = params.model_dump()
    return Query(
        bbox=parse_bbox(values.get("bbox")),
        ward=values.get("ward"),
        category=values.get("category"),
        status=values.get("status"),
        q=(values.get("q") or "").strip() or None,
        since=values.get("updated_since"),
        limit=values["limit"],
        offset=values["offset"],
    )


def page_links(result: Result, q: Query, media_type: str) -> list[dict]:
    """self, and next/prev when there are more pages, keeping every other argument."""
    args = request.args.to_dict()

    def link(rel: str, offset: int) -> dict:
        query = urlencode(args | {"offset": offset, "limit": q.limit})
        return {"href": f"{request.base_url}?{query}", "rel": rel, "type": media_type}

    links = [link("self", q.offset)]
    if q.offset + q.limit < result.matched:
        links.append(link("next", q.offset + q.limit))
    if q.offset > 0:
        links.append(link("prev", max(q.offset - q.limit, 0)))
    return links


def feature_collection(result: Result, q: Query, media_type: str = "application/geo+json"):
    return json_response(
        {
            "type": "FeatureCollection",
            "features": orjson.Fragment(result.features),  # built by PostGIS
            "numberMatched": result.matched,
            "numberReturned": result.returned,
            "links": page_links(result, q, media_type),
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
    query: type[BaseModel],
    listing: type[BaseModel],
    feature: type[BaseModel],
    fetch_page: Callable,
    fetch_one: Callable,
    key: tuple[str, str, dict],
) -> None:
    """GET /<name> (a page of features) and GET /<name>/<key> (one), documented alike.

    `key` is (parameter name, Flask converter, JSON schema) of the one-feature path.
    """
    key_name, converter, key_schema = key

    def list_view():
        q = to_query(validate(query, request.args))
        return feature_collection(fetch_page(db.session, q), q)

    def one_view(**path):
        return json_response(fetch_one(db.session, path[key_name]), "application/geo+json")

    list_view.__name__, one_view.__name__ = f"list_{name}", f"get_{name}"
    register(bp, Endpoint(f"/{name}", f"List {label}", name, listing, query), list_view, f"/{name}")
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
