"""The officers' forms: answering for the council."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from civicmap.forms import BaseForm
from civicmap.models.vocabulary import RESPONSE_STATUSES


class ResponseForm(BaseForm):
    status = SelectField(_l("Status"), choices=list(RESPONSE_STATUSES.items()))
    team = StringField(
        _l("Your team"),
        validators=[DataRequired(_l("Say which team answers.")), Length(max=120)],
        description=_l("Shown with the response, e.g. Parks and open spaces."),
    )
    body = TextAreaField(
        _l("The council's response"),
        validators=[
            DataRequired(_l("Write the response.")),
            Length(min=3, max=5000, message=_l("Use 3 to 5,000 characters.")),
        ],
    )
    submit = SubmitField(_l("Publish the council's response"))
