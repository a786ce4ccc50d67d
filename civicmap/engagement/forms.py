from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from civicmap.forms import BaseForm, SkillsField, optional_int


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
    skills_needed = SkillsField(
        _l("Skills that would help (optional)"),
        description=_l("Separate skills with commas. People offering them nearby see this."),
    )
    # One occasion (a clean-up on Saturday morning): when and where. Volunteers are reminded
    # the day before and can add it to their calendar.
    meets_on = DateField(_l("On (optional)"), validators=[Optional()])
    meets_at = TimeField(
        _l("Starting at"),
        validators=[Optional()],
        description=_l("London time, for example 10:30."),
    )
    duration_minutes = IntegerField(
        _l("How long, in minutes"),
        validators=[
            Optional(),
            NumberRange(15, 720, message=_l("Give between 15 minutes and 12 hours (720).")),
        ],
    )
    meeting_place = StringField(
        _l("Where to meet"),
        validators=[Optional(), Length(max=200)],
        description=_l("A few words people will recognise, for example “by the bandstand”."),
    )
    meeting_lat = StringField(
        _l("Meeting point latitude"),
        validators=[Optional(), Length(max=30)],
        description=_l("Leave both empty to meet at the place on this page."),
    )
    meeting_lon = StringField(
        _l("Meeting point longitude"), validators=[Optional(), Length(max=30)]
    )
    submit = SubmitField(_l("Propose this action"))


class VolunteerForm(BaseForm):
    note = StringField(
        _l("Note to the proposer (optional)"),
        validators=[Length(max=280, message=_l("Keep the note under 280 characters."))],
    )
    submit = SubmitField(_l("Volunteer"))
