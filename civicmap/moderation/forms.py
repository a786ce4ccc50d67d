"""Forms for reporting and for moderators' decisions."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from civicmap.forms import BaseForm
from civicmap.models.vocabulary import REPORT_REASONS


class ReportForm(BaseForm):
    reason = RadioField(
        _l("Why are you reporting this?"),
        choices=list(REPORT_REASONS.items()),
        validators=[DataRequired(_l("Choose why you are reporting this."))],
    )
    note = TextAreaField(
        _l("Anything moderators should know (optional)"),
        validators=[Optional(), Length(max=500, message=_l("Keep it under 500 characters."))],
    )
    submit = SubmitField(_l("Send the report"))


class DecisionForm(BaseForm):
    reason = StringField(
        _l("Reason (the author sees it when something is hidden)"),
        validators=[Optional(), Length(max=500, message=_l("Keep it under 500 characters."))],
    )


class SynonymForm(BaseForm):
    alias = StringField(
        _l("When people write"),
        validators=[DataRequired(_l("Give the word people use.")), Length(max=40)],
        description=_l("For example: handy person"),
    )
    skill = StringField(
        _l("They mean the skill"),
        validators=[DataRequired(_l("Give the skill it means.")), Length(max=40)],
        description=_l("For example: diy"),
    )
    submit = SubmitField(_l("Add the synonym"))
