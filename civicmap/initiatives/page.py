"""An item's page (project, idea or offer), with every form on it: the initiatives blueprint
shows it, and the engagement blueprint shows it again with a refused form's errors."""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import flash, redirect, render_template
from flask_login import current_user

from civicmap import clock
from civicmap.engagement.forms import AppreciateForm, CommentForm, ProposalForm, VolunteerForm
from civicmap.events.forms import AttendeesMessageForm
from civicmap.extensions import db
from civicmap.forms import form_status, submit
from civicmap.initiatives.urls import item_url
from civicmap.people.forms import MessageForm
from civicmap.progress.forms import PhotoForm, UpdateForm
from civicmap.services import engagement, events, matching, photos, progress, responses
from civicmap.services import initiatives as items


def render_item(item, status: int = 200, **forms):
    """The item page; engagement views re-render it with their form's errors."""
    forms.setdefault("appreciate_form", AppreciateForm(formdata=None))
    forms.setdefault("comment_form", CommentForm(formdata=None))
    forms.setdefault("proposal_form", ProposalForm(formdata=None))
    forms.setdefault("volunteer_form", VolunteerForm(formdata=None))
    forms.setdefault("message_form", MessageForm(formdata=None))
    if current_user.is_authenticated and current_user.id == item.author_id:
        # The author's own forms (an update alone is 13 fields): not built for anyone else.
        forms.setdefault("update_form", UpdateForm(formdata=None))
        forms.setdefault("photo_form", PhotoForm(formdata=None))
        forms.setdefault("attendees_form", AttendeesMessageForm(formdata=None))
    if current_user.is_authenticated and current_user.is_officer:
        from civicmap.officers.forms import ResponseForm  # officers only: their form

        forms.setdefault("response_form", ResponseForm(formdata=None))
    session = db.session
    # An idea that became a project keeps its discussion: the project shows both.
    from_idea = items.source_idea(session, item)  # None once the idea is hidden or deleted
    discussion_ids = [item.id] + ([from_idea.id] if from_idea else [])
    proposals = items.proposals_for(session, item.id)
    context = {
        "offers_nearby": offers_that_could_help(item, proposals),
        "photos": photos.of_item(session, item.id),
        "updates": progress.timeline(session, item.id)
        if item.kind in progress.WITH_UPDATES
        else [],
        "event": event_facts(item) if item.kind == "event" else None,
        "about_events": events.about(session, item.id) if item.kind in ("project", "idea") else [],
        "stages": progress.STAGES,
        "item": item,
        "appreciations": engagement.appreciations_of(session, item),
        "mine": current_user.is_authenticated
        and engagement.find_appreciation(session, current_user, item),
        "comments": engagement.discussion(session, discussion_ids),
        "proposals": proposals,
        "volunteers": engagement.volunteers_of(session, [p.id for p in proposals]),
        "waiting": engagement.waiting_for(session, current_user, [p.id for p in proposals]),
        "from_idea": from_idea,
        # Copied onto the item by the database (migration 0013): no query of its own.
        "council_response": responses.as_shown(item.council_response),
        "became_project": items.project_from_idea(session, item.id)
        if item.kind == "idea"
        else None,
        **forms,
    }
    return render_template("initiatives/show.html", **context), status


def offers_that_could_help(item, proposals) -> list:
    """For the item's author, officers and the people proposing on it: nearby offers whose
    skills fit what the item or one of its open proposals needs."""
    if item.kind not in ("project", "idea") or item.hidden or not current_user.is_authenticated:
        return []
    open_ones = [p for p in proposals if p.status == "open"]
    concerned = (
        current_user.id == item.author_id
        or current_user.is_officer
        or any(p.author_id == current_user.id for p in open_ones)
    )
    needs = dict.fromkeys([*item.skills_needed, *(s for p in open_ones for s in p.skills_needed)])
    return matching.offers_for(db.session, item, list(needs)) if concerned else []


def act_on_item(item, form_name: str, form, action, done: str, anchor: str):
    """Validate, act, commit and go back to the item; or show the item again with the error
    beside its field and what was typed kept."""
    accepted, _ = submit(form, action)
    if accepted:
        flash(done, "success")
        return redirect(f"{item_url(item)}#{anchor}")
    return render_item(item, status=form_status(form), **{form_name: form})


@dataclass(frozen=True)
class EventFacts:
    going: int
    waiting: int
    over: bool
    started: bool
    several_days: bool
    about: object
    mine: object
    my_place: int | None
    attendees: list


def event_facts(item) -> EventFacts:
    """What an event's page says about places and the viewer's own answer; the list of who is
    going only for its organiser."""
    session = db.session
    now = datetime.now(UTC)
    mine = events.mine(session, current_user, item.id)
    organiser = current_user.is_authenticated and current_user.id == item.author_id
    places = events.counts(session, item.id)
    return EventFacts(
        going=places["going"],
        waiting=places["waiting"],
        over=item.ends_at <= now,
        started=item.starts_at <= now,
        several_days=clock.local(item.starts_at).date() != clock.local(item.ends_at).date(),
        about=items.get_public(session, item.about_id) if item.about_id else None,
        mine=mine,
        my_place=events.place_in_line(session, mine) if mine and mine.status == "waiting" else None,
        attendees=events.attendees(session, item.id) if organiser else [],
    )
