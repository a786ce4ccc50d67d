"""The OpenAPI 3.1 document (built from the registered endpoints and their models) and a page
that documents it for people."""

from __future__ import annotations

from functools import lru_cache

from flask import render_template, url_for
from pydantic.json_schema import models_json_schema

from civicmap.api import bp
from civicmap.api.registry import ENDPOINTS, json_response
from civicmap.api.schemas import Problem

REF = "#/components/schemas/{model}"


@lru_cache(maxsize=8)
def openapi_document(server_url: str) -> dict:
    """Built once per server URL: the endpoints and their models do not change at run time."""
    responses = {e.response for e in ENDPOINTS} | {Problem}
    _, top = models_json_schema(
        [(model, "serialization") for model in sorted(responses, key=lambda m: m.__name__)],
        ref_template=REF,
    )
    paths: dict = {}
    for e in ENDPOINTS:
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": schema}
            for name, schema in e.path_params.items()
        ]
        parameters += e.parameters
        problem = {"application/problem+json": {"schema": {"$ref": REF.format(model="Problem")}}}
        paths[e.path] = {
            "get": {
                "summary": e.summary,
                "operationId": e.path.strip("/")
                .replace("/", "_")
                .replace("{", "")
                .replace("}", ""),
                "tags": [e.tag],
                "parameters": parameters,
                "responses": {
                    "200": {
                        "description": e.summary,
                        "content": {
                            e.media_type: {
                                "schema": {"$ref": REF.format(model=e.response.__name__)}
                            }
                        },
                    },
                    "400": {"description": "A parameter cannot be used.", "content": problem},
                    "404": {"description": "There is no such thing.", "content": problem},
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "civicmap open data API",
            "version": "1.0.0",
            "description": "Read-only, public data about citizen-led initiatives. No personal "
            "data: no email addresses, no volunteers' identities, and offers only at a coarse "
            "point. Content is CC BY 4.0; ward boundaries are Open Government Licence v3.0.",
            "license": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": top.get("$defs", {})},
    }


def openapi():
    return json_response(openapi_document(url_for("api.openapi", _external=True).rsplit("/", 1)[0]))


def documentation():
    document = openapi_document(url_for("api.openapi", _external=True).rsplit("/", 1)[0])
    return render_template("api/docs.html", doc=document)


bp.add_url_rule("/openapi.json", view_func=openapi, methods=["GET"])
bp.add_url_rule("/", endpoint="documentation", view_func=documentation, methods=["GET"])
