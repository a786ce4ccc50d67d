"""Following wards and items, and my notifications."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from civicmap.access import ANYONE, SIGNED_IN, access
from civicmap.extensions import csrf, db
from civicmap.forms import form_status, submit
from civicmap.notifications.forms import UnsubscribeForm, email_settings_form, field_name
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
            {
                (f.target_kind, f.target_id): form[field_name(f)].data or None
                for f, _name in follows
            },
        ),
    )
    if done:
        flash(_("Saved: we will write as you chose."), "success")
        return redirect(url_for("notifications.email_settings"))
    return render_template(
        "notifications/email.html", form=form, follows=follows, field_name=field_name, user=user
    ), form_status(form)


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
