"""Signing up, logging in and out."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from civicmap.access import ANYONE, SIGNED_IN, access
from civicmap.auth.forms import (
    ConfirmForm,
    LoginForm,
    ResetForm,
    ResetRequestForm,
    SignupForm,
)
from civicmap.extensions import db
from civicmap.forms import form_status, submit
from civicmap.limits import login_limits, mail_link_limit, per_account, signup_limit
from civicmap.routing import safe_next
from civicmap.services import accounts, tokens

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
        flash(
            _("We sent a link to %(email)s: open it to confirm your address.", email=user.email),
            "info",
        )
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


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@access(ANYONE)
def confirm(token: str):
    """The link in the confirmation mail. GET only shows a button: mail scanners open links,
    and opening one must not change anything."""
    user = tokens.read(db.session, "confirm", token)
    form = ConfirmForm()
    if user is None:
        return render_template("auth/link_expired.html", again=url_for("people.me")), 400
    if form.validate_on_submit():
        accounts.confirm_email(db.session, user)
        db.session.commit()
        flash(_("Thank you: your email address is confirmed."), "success")
        return redirect(url_for("people.me" if current_user.is_authenticated else "auth.login"))
    return render_template("auth/confirm.html", form=form, user=user)


@bp.post("/me/confirm-again")
@access(SIGNED_IN)
@login_required
@per_account("5 per hour")
def confirm_again():
    user = current_user._get_current_object()
    if user.email_confirmed_at is None:
        accounts.ask_to_confirm(db.session, user)
        db.session.commit()
        flash(_("We sent a new link to %(email)s.", email=user.email), "success")
    return redirect(url_for("people.me"))


@bp.route("/reset", methods=["GET", "POST"])
@access(ANYONE)
@mail_link_limit
def ask_for_reset():
    form = ResetRequestForm()
    done, _result = submit(form, lambda: accounts.ask_for_reset(db.session, form.email.data))
    if done:
        # The same answer whether or not the address has an account.
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/reset_request.html", form=form), form_status(form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@access(ANYONE)
def reset(token: str):
    user = tokens.read(db.session, "reset", token)
    if user is None:
        return render_template("auth/link_expired.html", again=url_for("auth.ask_for_reset")), 400
    form = ResetForm()
    done, _result = submit(
        form, lambda: accounts.reset_password(db.session, user, form.password.data)
    )
    if done:
        logout_user()
        flash(_("Your new password is saved. Log in with it."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), form_status(form)
