"""Pages for projects, ideas and offers: share, show, edit, delete, moderate."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from civicmap import clock, limits
from civicmap.access import AUTHOR, MODERATOR, SIGNED_IN, access
from civicmap.extensions import db
from civicmap.forms import form_status, submit
from civicmap.geo import point_of
from civicmap.initiatives.forms import FORMS
from civicmap.initiatives.page import render_item
from civicmap.initiatives.urls import KIND_OF, KINDS, item_url
from civicmap.limits import per_account
from civicmap.pagecache import shared_page
from civicmap.services import areas, events
from civicmap.services import initiatives as items

bp = Blueprint("initiatives", __name__)


def _form(kind: str, obj=None):
    form = FORMS[kind](obj=obj)
    if "ward" in form:
        form.ward.choices = [("", _("Choose a ward")), *areas.ward_choices(db.session)]
    return form


def _placement(form) -> items.Placement:
    ward = form.ward.data if "ward" in form else None
    event = {}
    if "starts_on" in form:
        event = {
            "when": events.When(
                form.starts_on.data, form.start_time.data, form.end_time.data, form.ends_on.data
            ),
            "event_fields": {
                name: form[name].data
                for name in ("online_url", "capacity", "accessibility", "about_id")
            },
        }
    return items.Placement(
        lat=form.lat.data,
        lon=form.lon.data,
        ward_id=ward,
        postcode=form.postcode.data or "",
        **event,
    )


def _fields(form) -> dict:
    return {name: field.data for name, field in form._fields.items()}


@bp.route(f"/{KINDS}/new", methods=["GET", "POST"])
@access(SIGNED_IN)
@per_account(limits.ITEMS)
@login_required
def new(plural: str):
    kind = KIND_OF[plural]
    form = _form(kind)
    if kind == "event" and request.method == "GET":
        form.about_id.data = request.args.get("about", type=int)  # "organise an event for this"
    done, item = submit(
        form,
        lambda: items.create(
            db.session, current_user, kind, _fields(form), _placement(form), _area()
        ),
    )
    if done:
        flash(_("Thank you — it is on the map."), "success")
        return redirect(item_url(item))
    return render_template("initiatives/form.html", form=form, kind=kind, item=None), form_status(
        form
    )


@bp.get(f"/{KINDS}/<id:item_id>")
@shared_page  # what differs by reader is in the page's personal parts
def show(plural: str, item_id: int):
    item = items.get(db.session, KIND_OF[plural], item_id, current_user)
    return render_item(item)


@bp.route(f"/{KINDS}/<id:item_id>/edit", methods=["GET", "POST"])
@access(AUTHOR)
@login_required
def edit(plural: str, item_id: int):
    kind = KIND_OF[plural]
    item = items.get(db.session, kind, item_id, current_user)
    items.require_author(item, current_user)
    form = _form(kind, obj=item)
    if request.method == "GET":
        _fill_location(form, item)
        _fill_event(form, item)
    done, _item = submit(
        form,
        lambda: items.update(
            db.session,
            item,
            current_user,
            _fields(form),
            _placement(form),
            _area(),
            seen_version=form.version.data,
        ),
    )
    if done:
        flash(_("Your changes are saved."), "success")
        return redirect(item_url(item))
    current = None
    if isinstance(getattr(form, "refusal", None), items.EditConflict):
        # Show what is saved now beside the editor's kept text; saving again replaces it.
        current = form.refusal.current
        form.version.data = current.version
    page = render_template(
        "initiatives/form.html", form=form, kind=kind, item=item, current=current
    )
    return page, form_status(form)


@bp.post(f"/{KINDS}/<id:item_id>/delete")
@access(AUTHOR)
@login_required
def delete(plural: str, item_id: int):
    item = items.get(db.session, KIND_OF[plural], item_id, current_user)
    items.delete(db.session, item, current_user)
    db.session.commit()
    flash(_("It has been removed from the map."), "success")
    return redirect(url_for("people.me"))


@bp.post(f"/{KINDS}/<id:item_id>/moderate")
@access(MODERATOR)
@login_required
def moderate(plural: str, item_id: int):
    item = items.get(db.session, KIND_OF[plural], item_id, current_user)
    hide = request.form.get("action") == "hide"
    items.moderate(db.session, item, current_user, hide=hide)
    db.session.commit()
    flash(_("Hidden from the public.") if hide else _("Restored."), "success")
    return redirect(item_url(item))


@bp.post("/ideas/<id:item_id>/make-project")
@access(AUTHOR)
@per_account(limits.ITEMS)
@login_required
def make_project(item_id: int):
    idea = items.get(db.session, "idea", item_id, current_user)
    project = items.idea_to_project(db.session, idea, current_user, _area())
    db.session.commit()
    flash(_("Your idea is now a project. Check the details and save."), "success")
    return redirect(item_url(project, "edit"))


def _fill_location(form, item) -> None:
    point = point_of(item.location)
    if point is not None:
        form.lat.data, form.lon.data = f"{point.y:.6f}", f"{point.x:.6f}"


def _fill_event(form, item) -> None:
    if item.kind != "event":
        return
    starts, ends = clock.local(item.starts_at), clock.local(item.ends_at)
    form.starts_on.data, form.start_time.data = starts.date(), starts.time()
    form.end_time.data = ends.time()
    form.ends_on.data = ends.date() if ends.date() != starts.date() else None
    form.ward.data = item.ward_id


def _area() -> str:
    return current_app.config["AREA_NAME"]
