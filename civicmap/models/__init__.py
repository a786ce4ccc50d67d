"""The data model, one module per aggregate; importing this package registers every table."""

from civicmap.models.areas import MapCell, Postcode, Ward, WardCount, WardOfferedSkill
from civicmap.models.engagement import Appreciation, Comment, Proposal, Volunteering
from civicmap.models.initiatives import Event, Idea, Initiative, Offer, Project, Rsvp
from civicmap.models.messages import Message
from civicmap.models.moderation import Block, ModerationEntry, Report
from civicmap.models.needs import SkillNeed
from civicmap.models.notifications import (
    Follow,
    Mail,
    Notification,
    OfficialResponse,
    TopicFollow,
)
from civicmap.models.people import User
from civicmap.models.progress import Photo, Update
from civicmap.models.skills import SkillSynonym

__all__ = [
    "Appreciation",
    "Block",
    "Comment",
    "Event",
    "Follow",
    "Idea",
    "Initiative",
    "Mail",
    "MapCell",
    "Message",
    "ModerationEntry",
    "Notification",
    "Offer",
    "OfficialResponse",
    "Photo",
    "Postcode",
    "Project",
    "Proposal",
    "Report",
    "Rsvp",
    "SkillNeed",
    "SkillSynonym",
    "TopicFollow",
    "Update",
    "User",
    "Volunteering",
    "Ward",
    "WardCount",
    "WardOfferedSkill",
]
