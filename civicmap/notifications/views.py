"""Following wards and items, and my notifications."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from civicmap.access import SIGNED_IN, access
from civicmap.extensions import db
from civicmap.routing import safe_next
from civicmap.services import notifications

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
