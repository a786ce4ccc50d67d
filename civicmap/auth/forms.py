from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from civicmap.forms import BaseForm, HumanCheck


def new_password_fields(label, again_label) -> tuple[PasswordField, PasswordField]:
    """A new password and the same again (sign-up, reset): named `password` and `confirm`."""
    return (
        PasswordField(
            label,
            validators=[DataRequired(_l("Choose a password.")), Length(max=200)],
            description=_l("At least 10 characters; a few unrelated words work well."),
            render_kw={"autocomplete": "new-password"},
        ),
        PasswordField(
            again_label,
            validators=[EqualTo("password", _l("The two passwords are not the same."))],
            render_kw={"autocomplete": "new-password"},
        ),
    )


class SignupForm(HumanCheck, BaseForm):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            Email(_l("Enter an email address like name@example.org.")),
            Length(max=254),
        ],
        description=_l("Never shown to anyone. We use it for logging in."),
        render_kw={"autocomplete": "email"},
    )
    display_name = StringField(
        _l("Display name"),
        validators=[DataRequired(_l("Enter the name others will see.")), Length(max=60)],
        description=_l("Shown with everything you post."),
        render_kw={"autocomplete": "nickname"},
    )
    password, confirm = new_password_fields(_l("Password"), _l("Password again"))
    submit = SubmitField(_l("Sign up"))


class LoginForm(BaseForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Enter your email address."))],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Remember me on this device"))
    submit = SubmitField(_l("Log in"))


class ResetRequestForm(BaseForm):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            Email(_l("Enter an email address like name@example.org.")),
            Length(max=254),
        ],
        render_kw={"autocomplete": "email"},
    )
    submit = SubmitField(_l("Send me a link"))


class ResetForm(BaseForm):
    password, confirm = new_password_fields(_l("New password"), _l("New password again"))
    submit = SubmitField(_l("Save my new password"))


class ConfirmForm(BaseForm):
    submit = SubmitField(_l("Confirm my email address"))
