"""An item's page (project, idea, offer or event), with every form on it: the initiatives
blueprint shows it, and the engagement, progress, events and officers blueprints show it again
with a refused form's errors.

The page is the same for everyone who may see the item, so it is kept and shared
(civicmap/pagecache.py). What depends on the reader — their own buttons and forms, the author's,
moderators' and officers' tools — are personal parts: their templates get the item as an
`ItemRef` (plain values, kept with the page) and ask here for the reader's standing, once a
request."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime

from flask import flash, g, redirect, render_template
from flask_login import current_user

from civicmap import clock, pagecache
from civicmap.engagement.forms import AppreciateForm, CommentForm, ProposalForm, VolunteerForm
from civicmap.events.forms import AttendeesMessageForm
from civicmap.extensions import db
from civicmap.forms import form_status, submit
from civicmap.initiatives.urls import item_url
from civicmap.models import Initiative
from civicmap.officers.forms import ResponseForm
from civicmap.people.forms import MessageForm
from civicmap.progress.forms import PhotoForm, UpdateForm
from civicmap.services import engagement, events, matching, photos, progress, responses
from civicmap.services import initiatives as items

# Every form on the page, by the name its part asks for; built empty unless one was refused.
FORMS = {
    "appreciate_form": AppreciateForm,
    "comment_form": CommentForm,
    "proposal_form": ProposalForm,
    "volunteer_form": VolunteerForm,
    "message_form": MessageForm,
    "update_form": UpdateForm,
    "photo_form": PhotoForm,
    "attendees_form": AttendeesMessageForm,
    "response_form": ResponseForm,
}


@dataclass(frozen=True)
class ItemRef:
    """What the personal parts need of the item."""

    id: int
    kind: str
    author_id: int
    hidden: bool
    hidden_reason: str | None
    status: str
    capacity: int | None

    @classmethod
    def of(cls, item) -> ItemRef:
        return cls(*(getattr(item, f.name) for f in fields(cls)))


@dataclass(frozen=True)
class ProposalRef:
    """What a proposal's personal part needs: its volunteers (with their notes) only its
    author sees."""

    id: int
    author_id: int
    author_name: str
    status: str
    volunteers_needed: int | None
    helpers: tuple[tuple[int, str, str | None], ...]  # (user id, display name, note)

    @classmethod
    def of(cls, proposal, helpers) -> ProposalRef:
        return cls(
            proposal.id,
            proposal.author_id,
            proposal.author.display_name,
            proposal.status,
            proposal.volunteers_needed,
            tuple((v.user_id, v.user.display_name, v.note) for v in helpers),
        )


@dataclass(frozen=True)
class EventFacts:
    going: int
    waiting: int
    over: bool
    started: bool
    several_days: bool


@dataclass(frozen=True)
class EventReader:
    """The reader's own answer to an event; the list of who is going only for its organiser."""

    mine: object
    my_place: int | None
    attendees: list


def render_item(item, status: int = 200, **refused):
    """The item page; the views that act on it show it again with their refused form (its
    errors and what was typed), which that form's part shows instead of an empty one."""
    g.item_forms = refused
    if item.hidden:
        pagecache.not_shared()  # only moderators see it: never kept for others
    session = db.session
    # An idea that became a project keeps its discussion: the project shows both.
    from_idea = items.source_idea(session, item)  # None once the idea is hidden or deleted
    discussion_ids = [item.id] + ([from_idea.id] if from_idea else [])
    proposals = items.proposals_for(session, item.id)
    helpers = engagement.volunteers_of(session, [p.id for p in proposals])
    open_ones = [p for p in proposals if p.status == "open"]
    context = {
        "item": item,
        "ref": ItemRef.of(item),
        "proposal_refs": {p.id: ProposalRef.of(p, helpers.get(p.id, [])) for p in proposals},
        "proposal_ids": tuple(p.id for p in proposals),
        "proposers": tuple(p.author_id for p in open_ones),
        "needs": tuple(
            dict.fromkeys([*item.skills_needed, *(s for p in open_ones for s in p.skills_needed)])
        ),
        "photos": photos.of_item(session, item.id),
        "updates": progress.timeline(session, item.id)
        if item.kind in progress.WITH_UPDATES
        else [],
        "event": event_facts(item) if item.kind == "event" else None,
        "event_about": items.get_public(session, item.about_id)
        if item.kind == "event" and item.about_id
        else None,
        "about_events": events.about(session, item.id) if item.kind in ("project", "idea") else [],
        "stages": progress.STAGES,
        "appreciations": engagement.appreciations_of(session, item),
        "comments": engagement.discussion(session, discussion_ids),
        "proposals": proposals,
        "from_idea": from_idea,
        # Copied onto the item by the database (migration 0013): no query of its own.
        "council_response": responses.as_shown(item.council_response),
        "became_project": items.project_from_idea(session, item.id)
        if item.kind == "idea"
        else None,
    }
    return render_template("initiatives/show.html", **context), status


def item_form(name: str):
    """The form a part shows: the one just refused, or an empty one."""
    form = g.get("item_forms", {}).get(name)
    return form if form is not None else FORMS[name](formdata=None)


def reader_here(item: ItemRef, proposal_ids: tuple[int, ...]) -> engagement.Reader:
    """The reader's standing on this item, asked once however many parts need it."""
    known = g.setdefault("readers", {})
    if item.id not in known:
        known[item.id] = engagement.reader_of(db.session, current_user, item.id, proposal_ids)
    return known[item.id]


def offers_here(item: ItemRef, proposers: tuple[int, ...], needs: tuple[str, ...]) -> list:
    """Nearby offers whose skills fit what the item or one of its open proposals needs: for
    its author, officers and the people proposing on it."""
    if item.kind not in ("project", "idea") or item.hidden or not current_user.is_authenticated:
        return []
    concerned = (
        current_user.id == item.author_id or current_user.is_officer or current_user.id in proposers
    )
    if not concerned or not needs:
        return []
    return matching.offers_for(db.session, db.session.get(Initiative, item.id), list(needs))


def event_reader(item: ItemRef) -> EventReader:
    session = db.session
    mine = events.mine(session, current_user, item.id)
    organiser = current_user.is_authenticated and current_user.id == item.author_id
    return EventReader(
        mine=mine,
        my_place=events.place_in_line(session, mine) if mine and mine.status == "waiting" else None,
        attendees=events.attendees(session, item.id) if organiser else [],
    )


def helpers() -> dict:
    """The part templates' questions, for the template context."""
    return {
        "item_form": item_form,
        "reader_here": reader_here,
        "offers_here": offers_here,
        "event_reader": event_reader,
    }


def act_on_item(item, form_name: str, form, action, done: str, anchor: str):
    """Validate, act, commit and go back to the item; or show the item again with the error
    beside its field and what was typed kept."""
    accepted, _ = submit(form, action)
    if accepted:
        flash(done, "success")
        return redirect(f"{item_url(item)}#{anchor}")
    return render_item(item, status=form_status(form), **{form_name: form})


def event_facts(item) -> EventFacts:
    """What an event's page says about places, the same for everyone."""
    now = datetime.now(UTC)
    places = events.counts(db.session, item.id)
    return EventFacts(
        going=places["going"],
        waiting=places["waiting"],
        over=item.ends_at <= now,
        started=item.starts_at <= now,
        several_days=clock.local(item.starts_at).date() != clock.local(item.ends_at).date(),
    )
