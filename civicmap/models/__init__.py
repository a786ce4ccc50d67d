"""The data model, one module per aggregate; importing this package registers every table."""

from civicmap.models.areas import MapCell, Postcode, Ward, WardCount
from civicmap.models.engagement import Appreciation, Comment, Proposal, Volunteering
from civicmap.models.initiatives import Idea, Initiative, Offer, Project
from civicmap.models.messages import Message
from civicmap.models.people import User

__all__ = [
    "Appreciation",
    "Comment",
    "Idea",
    "Initiative",
    "MapCell",
    "Message",
    "Offer",
    "Postcode",
    "Project",
    "Proposal",
    "User",
    "Volunteering",
    "Ward",
    "WardCount",
]
