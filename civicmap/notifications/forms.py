from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from civicmap.forms import BaseForm
from civicmap.geo import distance_label
from civicmap.models.vocabulary import CATEGORIES, EMAIL_FREQUENCIES
from civicmap.services.notifications import RADII


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
    for follow in follows:
        setattr(
            EmailSettingsForm,
            field_name(follow),
            SelectField(follow.name, choices=choices, default=follow.row.email_frequency or ""),
        )
    return EmailSettingsForm()


def field_name(follow) -> str:
    return "follow_" + follow.key.replace("-", "_")


class FollowCategoryForm(BaseForm):
    category = SelectField(_l("Category"), choices=list(CATEGORIES.items()))
    submit = SubmitField(_l("Follow this category"))


class FollowSkillForm(BaseForm):
    skill = StringField(
        _l("Skill"),
        validators=[DataRequired(_l("Name one skill, for example carpentry.")), Length(max=40)],
        description=_l("New offers and needs with this skill near you."),
    )
    postcode = StringField(
        _l("Near the postcode"),
        validators=[DataRequired(_l("Give a postcode, for example SW2 1RW.")), Length(max=10)],
        render_kw={"autocomplete": "postal-code"},
    )
    radius_m = SelectField(
        _l("Within"),
        choices=[(r, distance_label(r)) for r in RADII],
        coerce=int,
        default=1000,
    )
    submit = SubmitField(_l("Follow this skill"))


class UnsubscribeForm(BaseForm):
    submit = SubmitField(_l("Stop all these emails"))
