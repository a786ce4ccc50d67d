"""Following wards and items, and my notifications."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from civicmap.access import ANYONE, SIGNED_IN, access
from civicmap.extensions import csrf, db
from civicmap.forms import form_status, submit
from civicmap.notifications.forms import (
    FollowCategoryForm,
    FollowSkillForm,
    UnsubscribeForm,
    email_settings_form,
    field_name,
)
from civicmap.routing import safe_next
from civicmap.services import notifications, tokens

bp = Blueprint("notifications", __name__)


@bp.post("/<any(follow, unfollow):action>/<any(ward, item):kind>/<id:target_id>")
@access(SIGNED_IN)
@login_required
def follow(action: str, kind: str, target_id: int):
    change = notifications.follow if action == "follow" else notifications.unfollow
    change(db.session, current_user, kind, target_id)
    db.session.commit()
    flash(
        _("You will be told of what happens here.")
        if action == "follow"
        else _("You no longer follow this."),
        "success",
    )
    return redirect(safe_next(request.form.get("next"), url_for("people.me")))


@bp.get("/me/notifications")
@login_required
def index():
    return render_template(
        "notifications/index.html", notes=notifications.latest(db.session, current_user)
    )


@bp.post("/me/notifications/read")
@access(SIGNED_IN)
@login_required
def mark_read():
    notifications.mark_read(db.session, current_user)
    db.session.commit()
    return redirect(url_for("notifications.index"))


@bp.route("/me/email", methods=["GET", "POST"])
@access(SIGNED_IN)
@login_required
def email_settings():
    user = current_user._get_current_object()
    follows = notifications.followed(db.session, user)
    form = email_settings_form(follows, user)
    done, _result = submit(
        form,
        lambda: notifications.set_email_frequency(
            db.session,
            user,
            form.frequency.data,
            {f.key: form[field_name(f)].data or None for f in follows},
        ),
    )
    if done:
        flash(_("Saved: we will write as you chose."), "success")
        return redirect(url_for("notifications.email_settings"))
    return email_page(form=form), form_status(form)


def email_page(**forms):
    user = current_user._get_current_object()
    follows = notifications.followed(db.session, user)
    forms.setdefault("form", email_settings_form(follows, user))
    forms.setdefault("category_form", FollowCategoryForm())
    forms.setdefault("skill_form", FollowSkillForm())
    return render_template(
        "notifications/email.html", follows=follows, field_name=field_name, user=user, **forms
    )


@bp.post("/follow/<any(category, skill):kind>")
@access(SIGNED_IN)
@login_required
def follow_topic(kind: str):
    if kind == "category":
        form = FollowCategoryForm()
        done, _result = submit(
            form,
            lambda: notifications.follow_topic(
                db.session, current_user, "category", form.category.data
            ),
        )
    else:
        form = FollowSkillForm()
        done, _result = submit(
            form,
            lambda: notifications.follow_topic(
                db.session,
                current_user,
                "skill",
                form.skill.data,
                form.postcode.data,
                form.radius_m.data,
            ),
        )
    if done:
        flash(_("You will be told of new items that match."), "success")
        return redirect(url_for("notifications.email_settings"))
    return email_page(**{f"{kind}_form": form}), form_status(form)


@bp.post("/unfollow/topic/<id:topic_id>")
@access(SIGNED_IN)
@login_required
def unfollow_topic(topic_id: int):
    notifications.unfollow_topic(db.session, current_user, topic_id)
    db.session.commit()
    flash(_("You no longer follow this."), "success")
    return redirect(url_for("notifications.email_settings"))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@access(ANYONE)
@csrf.exempt  # RFC 8058: the mail client posts "List-Unsubscribe=One-Click", with no form.
def unsubscribe(token: str):
    """The signed link in every bulk mail: no log-in needed. GET asks (mail scanners open
    links); POST, from this page's button or from the mail client, unsubscribes."""
    user = tokens.read(db.session, "unsubscribe", token)
    if user is None:
        return render_template(
            "auth/link_expired.html", again=url_for("notifications.email_settings")
        ), 400
    if request.method == "POST":
        notifications.unsubscribe(db.session, user)
        db.session.commit()
        return render_template("notifications/unsubscribed.html", user=user)
    return render_template("notifications/unsubscribe.html", form=UnsubscribeForm(), user=user)
