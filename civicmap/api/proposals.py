"""/api/v1/proposals: actions people will take, with volunteer counts (never who)."""

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
from civicmap.api.schemas import ProposalCollection, ProposalFeature, ProposalQuery
from civicmap.extensions import db
from civicmap.services import features


def list_proposals():
    q = to_query(validate(ProposalQuery, request.args))
    return feature_collection(features.proposals(db.session, q), q)


def get_proposal(proposal_id: int):
    return json_response(features.proposal(db.session, proposal_id), "application/geo+json")


register(
    bp,
    Endpoint("/proposals", "List proposals", "proposals", ProposalCollection, ProposalQuery),
    list_proposals,
    "/proposals",
)
register(
    bp,
    Endpoint(
        "/proposals/{proposal_id}",
        "One proposal",
        "proposals",
        ProposalFeature,
        path_params={"proposal_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}},
    ),
    get_proposal,
    "/proposals/<id:proposal_id>",
)
