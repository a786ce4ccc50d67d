"""/api/v1/wards: the area's wards and their boundaries."""

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
from civicmap.api.schemas import WardCollection, WardFeature, WardQuery
from civicmap.extensions import db
from civicmap.services import features


def list_wards():
    q = to_query(validate(WardQuery, request.args))
    return feature_collection(features.wards(db.session, q), q)


def get_ward(code: str):
    return json_response(features.ward(db.session, code), "application/geo+json")


register(
    bp, Endpoint("/wards", "List wards", "wards", WardCollection, WardQuery), list_wards, "/wards"
)
register(
    bp,
    Endpoint(
        "/wards/{code}",
        "One ward, by ONS code or slug",
        "wards",
        WardFeature,
        path_params={"code": {"type": "string", "maxLength": 100}},
    ),
    get_ward,
    "/wards/<code>",
)
