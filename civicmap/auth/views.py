"""Signing up, logging in and out."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from civicmap.auth.forms import LoginForm, SignupForm
from civicmap.extensions import db, limiter
from civicmap.forms import form_status, submit
from civicmap.routing import safe_next
from civicmap.services import accounts

bp = Blueprint("auth", __name__)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
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
@limiter.limit("20 per 15 minutes", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        if user:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
        # One message for an unknown email and a wrong password: it says nothing of who has
        # an account.
        form.form_errors.append(_("That email and password do not match an account."))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You have logged out."), "success")
    return redirect(url_for("map.index"))
