from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, SubmitField

from civicmap.forms import BaseForm
from civicmap.models.vocabulary import EMAIL_FREQUENCIES


def email_settings_form(follows, user):
    """The person's own choice, then one choice per follow (named by what is followed)."""

    class EmailSettingsForm(BaseForm):
        frequency = RadioField(
            _l("Email me about what I follow"),
            choices=list(EMAIL_FREQUENCIES.items()),
            default=user.email_frequency,
        )
        submit = SubmitField(_l("Save"))

    choices = [("", _l("As above")), *EMAIL_FREQUENCIES.items()]
    for follow, name in follows:
        setattr(
            EmailSettingsForm,
            field_name(follow),
            SelectField(name, choices=choices, default=follow.email_frequency or ""),
        )
    return EmailSettingsForm()


def field_name(follow) -> str:
    return f"follow_{follow.target_kind}_{follow.target_id}"


class UnsubscribeForm(BaseForm):
    submit = SubmitField(_l("Stop all these emails"))
