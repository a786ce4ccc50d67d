"""Reporting (anyone signed in), the moderators' queue and decisions, suspension, and the
moderation log (moderators and administrators)."""

import csv
import io

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from civicmap import limits
from civicmap.access import AUTHOR, MODERATOR, SIGNED_IN, access
from civicmap.errors import Forbidden
from civicmap.extensions import db
from civicmap.forms import form_status, submit
from civicmap.limits import per_account
from civicmap.models.vocabulary import REPORT_REASONS, REPORT_TARGETS
from civicmap.moderation.forms import DecisionForm, ReportForm, SynonymForm
from civicmap.routing import safe_next
from civicmap.services import moderation, skills

bp = Blueprint("moderation", __name__)
TARGET = (
    "<any(item, comment, proposal, appreciation, update, photo, message, profile):kind>"
    "/<id:target_id>"
)


@bp.route(f"/report/{TARGET}", methods=["GET", "POST"])
@access(SIGNED_IN)
@per_account(limits.REPORTS)
@login_required
def report(kind: str, target_id: int):
    thing = moderation.find(db.session, kind, target_id)
    form = ReportForm()
    done, _made = submit(
        form,
        lambda: moderation.report(
            db.session,
            current_user,
            kind,
            target_id,
            form.reason.data,
            form.note.data,
            current_app.config["AUTO_HIDE_REPORTS"],
        ),
    )
    back = safe_next(request.args.get("next"))
    if done:
        flash(_("Thank you. A moderator will look at it."), "success")
        # Hidden by this very report (the third): its page would only say it is gone.
        return redirect(url_for("map.index") if moderation.is_hidden(kind, thing) else back)
    page = render_template("moderation/report.html", form=form, kind=kind, thing=thing, back=back)
    return page, form_status(form)


def _moderators_only() -> None:
    if not current_user.is_moderator:
        raise Forbidden(_("Only moderators can see this."))


@bp.get("/moderation")
@login_required
def queue():
    _moderators_only()
    reason = request.args.get("reason") if request.args.get("reason") in REPORT_REASONS else None
    kind = request.args.get("kind") if request.args.get("kind") in REPORT_TARGETS else None
    return render_template(
        "moderation/queue.html",
        rows=moderation.queue(db.session, reason=reason, kind=kind),
        reason=reason,
        kind=kind,
        form=DecisionForm(formdata=None),
    )


@bp.post(f"/moderation/{TARGET}/<any(hide, restore, dismiss):action>")
@access(MODERATOR)
@login_required
def decide(kind: str, target_id: int, action: str):
    form = DecisionForm()
    done, _result = submit(
        form,
        lambda: moderation.decide(
            db.session, current_user, kind, target_id, action, form.reason.data
        ),
    )
    if done:
        flash(_("Done."), "success")
    else:
        for message in [*form.form_errors, *form.reason.errors]:
            flash(message, "error")
    return redirect(url_for("moderation.queue"))


@bp.post("/moderation/people/<id:user_id>/<any(suspend, unsuspend):action>")
@access(MODERATOR)
@login_required
def suspension(user_id: int, action: str):
    form = DecisionForm()
    change = moderation.suspend if action == "suspend" else moderation.unsuspend
    done, _user = submit(form, lambda: change(db.session, current_user, user_id, form.reason.data))
    if done:
        flash(
            _("The account is suspended.")
            if action == "suspend"
            else _("The account is active again."),
            "success",
        )
    else:
        for message in [*form.form_errors, *form.reason.errors]:
            flash(message, "error")
    return redirect(request.referrer if request.referrer else url_for("moderation.queue"))


@bp.get("/moderation/log")
@login_required
def log():
    _moderators_only()
    return render_template("moderation/log.html", entries=moderation.log_entries(db.session))


@bp.get("/moderation/log.csv")
@login_required
def log_csv():
    _moderators_only()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", "when", "who", "action", "kind", "target_id", "reason"])
    for e in moderation.log_entries(db.session, limit=100_000):
        writer.writerow(
            [
                e.id,
                e.created_at.isoformat(),
                e.actor.display_name if e.actor else "civicmap",
                e.action,
                e.target_kind,
                e.target_id,
                e.reason or "",
            ]
        )
    response = Response(out.getvalue(), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="moderation-log.csv"'
    return response


@bp.post(f"/me/review/{TARGET}")
@access(AUTHOR)
@login_required
def ask_for_review(kind: str, target_id: int):
    moderation.ask_for_review(db.session, current_user, kind, target_id)
    db.session.commit()
    flash(_("A moderator will look at it again."), "success")
    return redirect(url_for("people.me"))


@bp.route("/moderation/skills", methods=["GET", "POST"])
@access(MODERATOR)
@login_required
def skill_synonyms():
    """The small table that keeps skills in one vocabulary ("handy person" is "diy")."""
    _moderators_only()
    form = SynonymForm()
    done, synonym = submit(
        form, lambda: skills.add_synonym(db.session, current_user, form.alias.data, form.skill.data)
    )
    if done:
        flash(
            _("“%(alias)s” now means “%(skill)s”.", alias=synonym.alias, skill=synonym.skill),
            "success",
        )
        return redirect(url_for("moderation.skill_synonyms"))
    page = render_template(
        "moderation/skills.html", form=form, synonyms=skills.all_synonyms(db.session)
    )
    return page, form_status(form)


@bp.post("/moderation/skills/remove")
@access(MODERATOR)
@login_required
def remove_synonym():
    skills.remove_synonym(db.session, current_user, request.form.get("alias", ""))
    db.session.commit()
    flash(_("Removed."), "success")
    return redirect(url_for("moderation.skill_synonyms"))
