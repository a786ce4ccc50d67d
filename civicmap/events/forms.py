from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from civicmap.forms import BaseForm


class AttendeesMessageForm(BaseForm):
    # Named apart from the comment form's "body": both can be on an item's page.
    body = TextAreaField(
        _l("Message to everyone going"),
        validators=[
            DataRequired(_l("Write a message.")),
            Length(max=5000, message=_l("Keep it under 5,000 characters.")),
        ],
        description=_l("It reaches their civicmap messages; nobody sees anyone's email address."),
    )
    submit = SubmitField(_l("Send to everyone going"))
