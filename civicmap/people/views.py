"""People: public profiles, my civicmap, my profile and password, my messages."""

import orjson
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from civicmap import limits
from civicmap.access import RECIPIENT, SIGNED_IN, access
from civicmap.errors import Gone, NotFound
from civicmap.extensions import db
from civicmap.forms import form_status, submit
from civicmap.limits import per_account
from civicmap.matching.views import for_me_page
from civicmap.models import User
from civicmap.people.forms import DeleteAccountForm, MessageForm, PasswordForm, ProfileForm
from civicmap.services import (
    accounts,
    areas,
    engagement,
    messages,
    moderation,
    personal_data,
    tokens,
)
from civicmap.services import initiatives as items

bp = Blueprint("people", __name__)


@bp.get("/people/<id:user_id>")
def profile(user_id: int):
    person = db.session.get(User, user_id)
    if person is None:
        raise NotFound(_("There is nobody with that number."))
    viewer_moderates = current_user.is_authenticated and current_user.is_moderator
    if person.deleted_at:
        raise Gone(_("This account has been deleted by its owner."))
    if (person.profile_hidden or person.suspended_at) and not viewer_moderates:
        raise Gone(_("This profile has been hidden by a moderator."))
    contributions = items.by_author(db.session, person.id)
    blocked = current_user.is_authenticated and moderation.blocks(
        db.session, current_user.id, person.id
    )
    return render_template(
        "people/profile.html", person=person, contributions=contributions, blocked=blocked
    )


@bp.get("/me/data.json")
@login_required
def my_data():
    """Everything held about me and everything I wrote (UK GDPR right of access)."""
    body = orjson.dumps(personal_data.export(db.session, current_user), option=orjson.OPT_INDENT_2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="my-civicmap-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/me/items.geojson")
@login_required
def my_items():
    body = orjson.dumps(personal_data.items_geojson(db.session, current_user))
    response = Response(body, mimetype="application/geo+json")
    response.headers["Content-Disposition"] = 'attachment; filename="my-civicmap-items.geojson"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/me/delete", methods=["GET", "POST"])
@access(SIGNED_IN)
@login_required
def delete_account():
    form = DeleteAccountForm()
    user = current_user._get_current_object()
    done, _result = submit(
        form,
        lambda: personal_data.erase(
            db.session, user, form.password.data, form.with_contributions.data
        ),
    )
    if done:
        logout_user()
        flash(_("Your account is deleted. Thank you for what you did here."), "success")
        return redirect(url_for("map.index"))
    return render_template("people/delete.html", form=form), form_status(form)


@bp.post("/people/<id:user_id>/<any(block, unblock):action>")
@access(SIGNED_IN)
@login_required
def block(user_id: int, action: str):
    change = moderation.block if action == "block" else moderation.unblock
    change(db.session, current_user, user_id)
    db.session.commit()
    flash(_("Blocked.") if action == "block" else _("Unblocked."), "success")
    return redirect(url_for("people.profile", user_id=user_id))


@bp.get("/me")
@login_required
def me():
    session = db.session
    mine = items.by_author(session, current_user.id)
    needs, needs_from = for_me_page(session, [i for i in mine if i.kind == "offer"])
    return render_template(
        "people/me.html",
        mine=mine,
        needs=needs,
        needs_from=needs_from,
        proposals=engagement.proposals_by(session, current_user.id),
        volunteering=engagement.volunteering_by(session, current_user.id),
        received=engagement.appreciations_received(session, current_user.id),
        unread=messages.unread_count(session, current_user.id),
        hidden=moderation.hidden_for(session, current_user),
        calendar_token=tokens.make("calendar", current_user),
    )


@bp.route("/me/profile", methods=["GET", "POST"])
@access(SIGNED_IN)
@login_required
def edit_profile():
    form = ProfileForm(obj=current_user)
    form.home_ward.choices = [("", _("Not saying")), *areas.ward_choices(db.session)]
    if request.method == "GET":
        form.home_ward.data = current_user.home_ward_id
    done, _user = submit(
        form,
        lambda: accounts.update_profile(
            db.session,
            current_user,
            form.display_name.data,
            form.bio.data or "",
            form.skills.data or "",
            form.home_ward.data,
        ),
    )
    if done:
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("people.profile", user_id=current_user.id))
    return render_template("people/edit_profile.html", form=form), form_status(form)


@bp.route("/me/password", methods=["GET", "POST"])
@access(SIGNED_IN)
@login_required
def change_password():
    form = PasswordForm()
    done, _result = submit(
        form,
        lambda: accounts.change_password(
            db.session, current_user, form.current_password.data, form.new_password.data
        ),
    )
    if done:
        login_user(current_user._get_current_object())  # this session, under the new version
        flash(_("Your password is changed. You are logged out everywhere else."), "success")
        return redirect(url_for("people.me"))
    return render_template("people/password.html", form=form), form_status(form)


@bp.get("/me/messages")
@login_required
def inbox():
    received = messages.inbox(db.session, current_user)
    return render_template(
        "people/messages.html",
        received=received,
        sent=messages.sent(db.session, current_user),
        form=MessageForm(formdata=None),
    )


@bp.post("/me/messages/read")
@access(SIGNED_IN)
@login_required
def mark_read():
    messages.mark_read(db.session, current_user)
    db.session.commit()
    return redirect(url_for("people.inbox"))


@bp.post("/me/messages/<id:message_id>/reply")
@access(RECIPIENT)
@per_account(limits.MESSAGES)
@login_required
def reply(message_id: int):
    form = MessageForm()
    done, _result = submit(
        form, lambda: messages.reply(db.session, current_user, message_id, form.body.data)
    )
    if done:
        flash(_("Your reply has been sent."), "success")
        return redirect(url_for("people.inbox"))
    return render_template(
        "people/messages.html",
        received=messages.inbox(db.session, current_user),
        sent=messages.sent(db.session, current_user),
        form=form,
        reply_to=message_id,
    ), 422
