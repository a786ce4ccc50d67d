"""Signing up, logging in and out."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from civicmap.access import ANYONE, SIGNED_IN, access
from civicmap.auth.forms import LoginForm, SignupForm
from civicmap.extensions import db
from civicmap.forms import form_status, submit
from civicmap.limits import login_limits, signup_limit
from civicmap.routing import safe_next
from civicmap.services import accounts

bp = Blueprint("auth", __name__)


@bp.route("/signup", methods=["GET", "POST"])
@access(ANYONE)
@signup_limit
def signup():
    form = SignupForm()
    done, user = submit(
        form,
        lambda: accounts.register(
            db.session, form.email.data, form.display_name.data, form.password.data
        ),
    )
    if done:
        login_user(user)
        flash(_("Welcome to civicmap, %(name)s!", name=user.display_name), "success")
        return redirect(safe_next(request.args.get("next"), url_for("people.me")))
    return render_template("auth/signup.html", form=form), form_status(form)


@bp.route("/login", methods=["GET", "POST"])
@access(ANYONE)
@login_limits
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        if user and user.suspended_at:
            # Only after the right password: it tells the person, not someone guessing.
            form.form_errors.append(
                _("This account is suspended. Write to the council to ask why.")
            )
        elif user:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
        else:
            # One message for an unknown email and a wrong password: it says nothing of who
            # has an account.
            form.form_errors.append(_("That email and password do not match an account."))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@access(SIGNED_IN)
@login_required
def logout():
    # Ends every session of this account, including copies of this one's cookie: a session is
    # a signed cookie, so the account's session version is what can be taken back.
    user = current_user._get_current_object()
    user.end_sessions()
    db.session.commit()
    logout_user()
    flash(_("You have logged out, here and on every other device."), "success")
    return redirect(url_for("map.index"))
