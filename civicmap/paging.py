"""Pages of features for the JSON API and OGC API - Features: limit/offset from the request,
their OpenAPI description, and the self/next/prev links that keep every other argument."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for

from civicmap.params import parse_int

MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int = 0


def parse_paging(args, default_limit: int) -> Paging:
    return Paging(
        limit=parse_int(args.get("limit"), "limit", default_limit, 1, MAX_LIMIT),
        offset=parse_int(args.get("offset"), "offset", 0, 0, MAX_OFFSET),
    )


def openapi_parameters(default_limit: int) -> list[dict]:
    return [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": "How many features per page.",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_LIMIT,
                "default": default_limit,
            },
        },
        {
            "name": "offset",
            "in": "query",
            "required": False,
            "description": "How many features to skip.",
            "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
        },
    ]


def page_links(matched: int, paging: Paging, media_type: str) -> list[dict]:
    """self, and next/prev when there are more pages, to this same endpoint and arguments."""
    keep = {k: v for k, v in request.args.items() if k not in ("offset", "limit")}

    def link(rel: str, offset: int) -> dict:
        href = url_for(
            request.endpoint,
            _external=True,
            **(request.view_args or {}),
            **keep,
            offset=offset,
            limit=paging.limit,
        )
        return {"href": href, "rel": rel, "type": media_type}

    links = [link("self", paging.offset)]
    if paging.offset + paging.limit < matched:
        links.append(link("next", paging.offset + paging.limit))
    if paging.offset > 0:
        links.append(link("prev", max(paging.offset - paging.limit, 0)))
    return links
