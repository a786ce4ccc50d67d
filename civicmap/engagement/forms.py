from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from civicmap.forms import BaseForm, optional_int


class AppreciateForm(BaseForm):
    note = StringField(
        _l("Thank-you note (optional)"),
        validators=[Length(max=280, message=_l("Keep the note under 280 characters."))],
    )
    submit = SubmitField(_l("Appreciate"))


class CommentForm(BaseForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[
            DataRequired(_l("Write something first.")),
            Length(max=5000, message=_l("Keep comments under 5,000 characters.")),
        ],
    )
    parent_id = HiddenField(filters=[optional_int])
    submit = SubmitField(_l("Post comment"))


class ProposalForm(BaseForm):
    action = TextAreaField(
        _l("What will you do?"),
        validators=[
            DataRequired(_l("Say what you will do.")),
            Length(min=3, max=2000, message=_l("Use 3 to 2,000 characters.")),
        ],
    )
    due_on = DateField(_l("By when (optional)"), validators=[Optional()])
    volunteers_needed = IntegerField(
        _l("Volunteers needed"),
        default=0,
        validators=[Optional(), NumberRange(0, 100, message=_l("Ask for between 0 and 100."))],
    )
    submit = SubmitField(_l("Propose this action"))


class VolunteerForm(BaseForm):
    note = StringField(
        _l("Note to the proposer (optional)"),
        validators=[Length(max=280, message=_l("Keep the note under 280 characters."))],
    )
    submit = SubmitField(_l("Volunteer"))
