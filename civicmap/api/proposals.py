"""/api/v1/proposals: actions people will take, with volunteer counts (never who)."""

from civicmap.api import bp
from civicmap.api.registry import collection_routes
from civicmap.api.schemas import ProposalCollection, ProposalFeature
from civicmap.services import features

collection_routes(
    bp,
    "proposals",
    "proposals",
    ProposalCollection,
    ProposalFeature,
    fetch_page=features.proposals,
    fetch_one=features.proposal,
    key=("proposal_id", "id", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}),
)
