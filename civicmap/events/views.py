"""Events: going and not going, the organiser's message to the people going, calling an event
off, and its calendar file. Creating, editing and showing an event is the initiatives
blueprint's, as for every kind of item."""

from flask import Blueprint, flash, redirect
from flask_babel import gettext as _
from flask_login import current_user, login_required

from civicmap import limits
from civicmap.access import AUTHOR, SIGNED_IN, access
from civicmap.events.forms import AttendeesMessageForm
from civicmap.extensions import db
from civicmap.initiatives.page import act_on_item
from civicmap.initiatives.urls import item_url
from civicmap.limits import per_account
from civicmap.services import calendar, events
from civicmap.services import initiatives as items

bp = Blueprint("events", __name__)


def _event(item_id: int):
    return items.get(db.session, "event", item_id, current_user)


@bp.post("/events/<id:item_id>/going")
@access(SIGNED_IN)
@per_account(limits.ENGAGEMENT)
@login_required
def rsvp(item_id: int):
    event = _event(item_id)
    mine = events.rsvp(db.session, current_user, event.id)
    db.session.commit()
    if mine.status == "going":
        flash(_("You are going. It is in your civicmap calendar."), "success")
    else:
        flash(_("All places are taken: you are on the waiting list."), "success")
    return redirect(f"{item_url(event)}#going")


@bp.post("/events/<id:item_id>/not-going")
@access(SIGNED_IN)
@login_required
def cancel_rsvp(item_id: int):
    event = _event(item_id)
    events.cancel_rsvp(db.session, current_user, event.id)
    db.session.commit()
    flash(_("Done: you are not going."), "success")
    return redirect(f"{item_url(event)}#going")


@bp.post("/events/<id:item_id>/cancel")
@access(AUTHOR)
@login_required
def cancel_event(item_id: int):
    event = _event(item_id)
    events.cancel_event(db.session, current_user, event)
    db.session.commit()
    flash(_("The event is cancelled; the people going are told."), "success")
    return redirect(item_url(event))


@bp.post("/events/<id:item_id>/message")
@access(AUTHOR)
@per_account(limits.MESSAGES)
@login_required
def message_attendees(item_id: int):
    event = _event(item_id)
    items.require_author(event, current_user)
    form = AttendeesMessageForm()
    return act_on_item(
        event,
        "attendees_form",
        form,
        lambda: events.message_attendees(db.session, current_user, event, form.body.data),
        _("Your message is sent to everyone going."),
        "attendees",
    )


@bp.get("/events/<id:item_id>.ics")
def calendar_file(item_id: int):
    event = _event(item_id)
    return calendar.as_response(calendar.one_event(event), download_name=f"event-{event.id}")
