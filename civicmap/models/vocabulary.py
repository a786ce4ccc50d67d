"""The fixed lists the product uses: codes are stored, labels are shown (and translated)."""

from flask_babel import lazy_gettext as _l

CATEGORIES = {
    "environment": _l("Environment & green spaces"),
    "food": _l("Food"),
    "arts": _l("Arts & culture"),
    "health": _l("Health & wellbeing"),
    "young-people": _l("Children & young people"),
    "older-people": _l("Older people"),
    "housing": _l("Housing"),
    "transport": _l("Transport"),
    "sport": _l("Sport & play"),
    "learning": _l("Learning & skills"),
    "community-spaces": _l("Community spaces"),
    "other": _l("Other"),
}

KINDS = {"project": _l("Project"), "idea": _l("Idea"), "offer": _l("Offer"), "event": _l("Event")}
# What the map shows: the three kinds of item, and open proposals.
LAYERS = (*KINDS, "proposal")
# Each kind's name in URLs and collections (/projects/12, /api/v1/proposals); the page hands
# this table to the map's JavaScript, so it is written once.
PLURALS = {
    "project": "projects",
    "idea": "ideas",
    "offer": "offers",
    "event": "events",
    "proposal": "proposals",
}
ITEM_KIND_OF = {PLURALS[kind]: kind for kind in KINDS}  # "projects" -> "project"

STATUSES = {
    # A project's stage: the cycle of co-production (codes kept from before the cycle had names).
    "project": {
        "idea": _l("Idea"),
        "planning": _l("Planning"),
        "active": _l("Doing"),
        "completed": _l("Done"),
        "reviewed": _l("Reviewed"),
    },
    "idea": {
        "open": _l("Open for discussion"),
        "adopted": _l("Became a project"),
        "closed": _l("Closed"),
    },
    "offer": {"available": _l("Available"), "paused": _l("Paused")},
    "event": {"scheduled": _l("Scheduled"), "cancelled": _l("Cancelled")},
}

OFFER_TYPES = {
    "skills": _l("Skills"),
    "time": _l("Time"),
    "space": _l("Space"),
    "equipment": _l("Equipment"),
}

PROPOSAL_STATUSES = {
    "open": _l("Open"),
    "full": _l("Full"),
    "done": _l("Done"),
    "withdrawn": _l("Withdrawn"),
}

RSVP_STATUSES = {
    "going": _l("Going"),
    "waiting": _l("On the waiting list"),
    "cancelled": _l("Not going"),
}

VOLUNTEERING_STATUSES = {
    "active": _l("Volunteering"),
    "withdrawn": _l("Withdrawn"),
    "waiting": _l("On the waiting list"),
}

ROLES = {
    "resident": _l("Resident"),
    "officer": _l("Council officer"),
    "moderator": _l("Moderator"),
    "admin": _l("Administrator"),
}

HIDDEN_REASONS = {
    "deleted": _l("Deleted by its author"),
    "moderated": _l("Hidden by a moderator"),
    "reported": _l("Hidden after reports, until a moderator reviews it"),
    "suspended": _l("Hidden while its author's account is suspended"),
}

# The council's answer to a project or an idea (an officer's official response).
RESPONSE_STATUSES = {
    "received": _l("Received"),
    "considering": _l("Under consideration"),
    "supporting": _l("The council is supporting this"),
    "referred": _l("Referred to a council service"),
    "not_possible": _l("Not possible"),
    "done": _l("Done"),
}

# What can be reported, and why.
REPORT_TARGETS = {
    "item": _l("Project, idea or offer"),
    "comment": _l("Comment"),
    "proposal": _l("Proposal"),
    "appreciation": _l("Appreciation note"),
    "update": _l("Project update"),
    "photo": _l("Photo"),
    "message": _l("Message"),
    "profile": _l("Profile"),
}
REPORT_REASONS = {
    "spam": _l("Spam or advertising"),
    "abuse": _l("Abuse or harassment"),
    "personal": _l("Someone's personal information"),
    "off_topic": _l("Not about the area"),
    "other": _l("Something else (say what)"),
}
REPORT_STATUSES = {"open": _l("Open"), "upheld": _l("Acted on"), "dismissed": _l("Dismissed")}


def sql_in(values) -> str:
    """The SQL list literal for a check constraint over fixed codes."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


# How often a person (or one of their follows) is sent mail about what happened.
EMAIL_FREQUENCIES = {
    "at_once": _l("At once, one mail each time"),
    "daily": _l("A daily digest"),
    "weekly": _l("A weekly digest"),
    "never": _l("Never: only in civicmap"),
}
MAIL_KINDS = ("confirm", "reset", "notice", "digest", "reminder")
