from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length

from civicmap.forms import BaseForm, SkillsField, optional_int


class ProfileForm(BaseForm):
    display_name = StringField(
        _l("Display name"), validators=[DataRequired(_l("Enter a display name.")), Length(max=60)]
    )
    bio = TextAreaField(_l("About you"), validators=[Length(max=1000)])
    skills = SkillsField(
        _l("Skills"), description=_l("Separate skills with commas, e.g. gardening, bike repair.")
    )
    home_ward = SelectField(_l("Your ward (optional)"), coerce=optional_int, validate_choice=False)
    submit = SubmitField(_l("Save profile"))


class PasswordForm(BaseForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Choose a new password.")), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[EqualTo("new_password", _l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Change password"))


class MessageForm(BaseForm):
    body = TextAreaField(
        _l("Message"), validators=[DataRequired(_l("Write a message.")), Length(max=5000)]
    )
    submit = SubmitField(_l("Send message"))


class DeleteAccountForm(BaseForm):
    password = PasswordField(
        _l("Your password, to confirm"),
        validators=[DataRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    with_contributions = BooleanField(
        _l("Also delete what I published (projects, ideas, offers, comments, proposals)"),
        description=_l(
            "Leave this unticked to keep them on the map as “a former member”, under the open "
            "data licence you accepted."
        ),
    )
    submit = SubmitField(_l("Delete my account"))
