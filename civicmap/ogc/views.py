"""OGC API - Features, Part 1 (Core, GeoJSON, HTML) under /ogc, over the same tables as the
JSON API, so desktop GIS (QGIS, GDAL's OAPIF driver) can read the map's open data."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from civicmap.api.registry import json_response
from civicmap.errors import InvalidParameter, NotFound
from civicmap.extensions import db
from civicmap.filters import COLLECTIONS, Filters, parse_filters
from civicmap.paging import Paging, page_links, parse_paging
from civicmap.routing import is_database_id
from civicmap.services import areas, features

bp = Blueprint("ogc", __name__, url_prefix="/ogc")
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
]
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
TITLES = {
    "projects": "Projects residents are working on",
    "ideas": "Ideas for improving the area, under discussion",
    "offers": "Skills and support people offer (points on a ~250 m grid)",
    "events": "Community meetings, workshops and clean-ups: when, where or online, capacity",
    "proposals": "Actions people propose to take, with volunteer counts",
    "wards": "Ward boundaries",
}
GEOJSON, JSON, HTML = "application/geo+json", "application/json", "text/html"
DEFAULT_LIMIT = 10


def _wants_html() -> bool:
    if request.args.get("f") in ("html", "json", "geojson"):
        return request.args["f"] == "html"
    best = request.accept_mimetypes.best_match([JSON, GEOJSON, HTML])
    return best == HTML and request.accept_mimetypes[HTML] > request.accept_mimetypes[JSON]


def _answer(body: dict, media_type: str = JSON, template: str = "ogc/page.html"):
    if _wants_html():
        return render_template(template, body=body)
    return json_response(body, media_type)


def _link(endpoint: str, rel: str, media_type: str, title: str | None = None, **values) -> dict:
    link = {"href": url_for(endpoint, _external=True, **values), "rel": rel, "type": media_type}
    if title:
        link["title"] = title
    return link


@bp.get("")
@bp.get("/")
def landing():
    return _answer(
        {
            "title": _("civicmap open data"),
            "description": _("Citizen-led initiatives as OGC API - Features collections."),
            "links": [
                _link("ogc.landing", "self", JSON),
                _link("ogc.landing", "alternate", HTML, f="html"),
                _link(
                    "api.openapi",
                    "service-desc",
                    "application/vnd.oai.openapi+json;version=3.1",
                    "The civicmap JSON API (same data)",
                ),
                _link("api.documentation", "service-doc", HTML),
                _link("ogc.conformance", "conformance", JSON),
                _link("ogc.collections", "data", JSON),
            ],
        }
    )


@bp.get("/conformance")
def conformance():
    return _answer({"conformsTo": CONFORMANCE})


def _collection(collection_id: str, extent: list[float]) -> dict:
    return {
        "id": collection_id,
        "title": TITLES[collection_id],
        "itemType": "feature",
        "crs": [CRS84],
        "extent": {"spatial": {"bbox": [extent], "crs": CRS84}},
        "links": [
            _link("ogc.collection", "self", JSON, collection_id=collection_id),
            _link("ogc.items", "items", GEOJSON, collection_id=collection_id),
            _link("ogc.items", "items", HTML, collection_id=collection_id, f="html"),
        ],
    }


@bp.get("/collections")
def collections():
    extent = areas.extent(db.session)  # once, not once per collection
    return _answer(
        {
            "links": [_link("ogc.collections", "self", JSON)],
            "collections": [_collection(c, extent) for c in COLLECTIONS],
        }
    )


def _known(collection_id: str) -> None:
    if collection_id not in COLLECTIONS:
        raise NotFound(_("There is no collection %(id)s.", id=collection_id))


@bp.get("/collections/<collection_id>")
def collection(collection_id: str):
    _known(collection_id)
    return _answer(_collection(collection_id, areas.extent(db.session)))


@bp.get("/collections/<collection_id>/items")
def items(collection_id: str):
    _known(collection_id)
    args = request.args
    for name in ("bbox-crs", "crs"):
        if args.get(name) not in (None, CRS84):
            raise InvalidParameter(name, _("Only CRS84 (longitude, latitude) is served."))
    # The same filters as the JSON API (bbox, datetime, and the collection's queryables).
    chosen = parse_filters(args, COLLECTIONS[collection_id])
    page = parse_paging(args, DEFAULT_LIMIT)
    result = _fetch(collection_id, chosen, page)
    links = [
        *page_links(result.matched, page, GEOJSON),
        _link("ogc.collection", "collection", JSON, collection_id=collection_id),
    ]
    # Built by PostGIS; parsed only to render the HTML page.
    shown = orjson.loads(result.features) if _wants_html() else orjson.Fragment(result.features)
    body = {
        "type": "FeatureCollection",
        "features": shown,
        "numberMatched": result.matched,
        "numberReturned": result.returned,
        "timeStamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "links": links,
    }
    return _answer(body, GEOJSON, "ogc/items.html")


def _fetch(collection_id: str, chosen: Filters, page: Paging) -> features.Result:
    if collection_id == "proposals":
        return features.proposals(db.session, chosen, page)
    if collection_id == "wards":
        return features.wards(db.session, chosen, page)
    return features.items(db.session, collection_id, chosen, page)


@bp.get("/collections/<collection_id>/items/<feature_id>")
def item(collection_id: str, feature_id: str):
    _known(collection_id)
    if collection_id == "wards":
        feature = features.ward(db.session, feature_id)
    else:
        # Ids are PostgreSQL integers: anything else names no feature.
        if not is_database_id(feature_id):
            raise NotFound(_("There is no feature %(id)s.", id=feature_id))
        number = int(feature_id)
        feature = (
            features.proposal(db.session, number)
            if collection_id == "proposals"
            else features.item(db.session, collection_id, number)
        )
    feature = orjson.loads(feature)
    feature["links"] = [
        _link("ogc.item", "self", GEOJSON, collection_id=collection_id, feature_id=feature_id),
        _link("ogc.collection", "collection", JSON, collection_id=collection_id),
    ]
    return _answer(feature, GEOJSON)
