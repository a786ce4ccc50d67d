"""/api/v1/wards: the area's wards and their boundaries (one by ONS code or slug)."""

from civicmap.api import bp
from civicmap.api.registry import collection_routes
from civicmap.api.schemas import WardCollection, WardFeature
from civicmap.services import features

collection_routes(
    bp,
    "wards",
    "wards",
    WardCollection,
    WardFeature,
    fetch_page=features.wards,
    fetch_one=features.ward,
    key=("code", "string", {"type": "string", "maxLength": 100}),
)
