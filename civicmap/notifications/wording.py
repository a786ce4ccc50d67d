"""What a notification says, in words, and where it leads: for the notifications page and for
mail alike. Plain strings: an HTML template escapes them where it prints them (a title is what
a person typed), a plain-text mail shows them as written."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from civicmap.initiatives.urls import item_url

SAYINGS = {
    "comment": lambda who, what: _("%(who)s commented on %(what)s", who=who, what=what),
    "reply": lambda who, what: _("%(who)s replied to your comment on %(what)s", who=who, what=what),
    "appreciation": lambda who, what: _("%(who)s appreciated %(what)s", who=who, what=what),
    "proposal": lambda who, what: _("%(who)s proposed an action on %(what)s", who=who, what=what),
    "volunteer": lambda who, what: _(
        "%(who)s volunteered for your proposal on %(what)s", who=who, what=what
    ),
    "withdraw": lambda who, what: _("%(who)s stopped volunteering on %(what)s", who=who, what=what),
    "message": lambda who, what: _("%(who)s sent you a message", who=who),
    "hidden": lambda who, what: _("A moderator hid something of yours. My civicmap says why."),
    "moved_up": lambda who, what: _(
        "A place came free: you are now volunteering on %(what)s", what=what
    ),
    "full": lambda who, what: _(
        "Your proposal on %(what)s has all the volunteers it needs", what=what
    ),
    "done": lambda who, what: _(
        "%(who)s marked the action on %(what)s as done", who=who, what=what
    ),
    "withdrawn": lambda who, what: _(
        "%(who)s withdrew the action on %(what)s you signed up for", who=who, what=what
    ),
    "update": lambda who, what: _("%(who)s posted an update on %(what)s", who=who, what=what),
    "event_place": lambda who, what: _("A place came free: you are going to %(what)s", what=what),
    "event_cancelled": lambda who, what: _("%(who)s cancelled %(what)s", who=who, what=what),
    "response": lambda who, what: _("The council responded to %(what)s", what=what),
    "proposal_response": lambda who, what: _(
        "The council responded to a proposal on %(what)s", what=what
    ),
    "new_item": lambda who, what: _("New in a ward you follow: %(what)s", what=what),
    "new_in_category": lambda who, what: _("New in a category you follow: %(what)s", what=what),
    "new_skill_near": lambda who, what: _(
        "New near you, with a skill you follow: %(what)s", what=what
    ),
}


def note_text(note) -> str:
    who = note.actor.display_name if note.actor else _("Someone")
    what = note.initiative.title if note.initiative else ""
    saying = SAYINGS.get(note.event)
    return saying(who, what) if saying else _("Something happened on %(what)s", what=what)


def note_link(note, external: bool = False) -> str:
    """The page a notification leads to ('' if none is public any more)."""
    if note.event == "message":
        return url_for("people.inbox", _external=external)
    if note.initiative is not None and not note.initiative.hidden:
        return item_url(note.initiative, _external=external)
    return ""
