"""Forms for the three kinds of item; they share title, description, category and location."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from civicmap.forms import BaseForm, HumanCheck, SkillsField, optional_int
from civicmap.i18n import ITEM_LANGUAGES
from civicmap.models.vocabulary import CATEGORIES, OFFER_TYPES, STATUSES


def choices(labels: dict) -> list[tuple[str, str]]:
    return list(labels.items())


class ItemForm(HumanCheck, BaseForm):
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(_l("Give it a title.")),
            Length(min=3, max=120, message=_l("Use 3 to 120 characters.")),
        ],
    )
    summary = StringField(
        _l("Summary"),
        validators=[Length(max=280, message=_l("Keep the summary under 280 characters."))],
        description=_l("One sentence shown in lists and on the map."),
    )
    description = TextAreaField(
        _l("Description"),
        validators=[
            DataRequired(_l("Describe it in a few sentences.")),
            Length(max=10000, message=_l("Keep the description under 10,000 characters.")),
        ],
        description=_l("Plain text; links and simple Markdown (*emphasis*, lists) work."),
    )
    category = SelectField(_l("Category"), choices=choices(CATEGORIES))
    # Each language named in itself, as a reader of it would look for it.
    language = SelectField(
        _l("Written in"),
        choices=[("", _l("Not said")), *ITEM_LANGUAGES.items()],
        default="",
        description=_l("The language of your title and description, so it is read out right."),
        # An item saved before this field existed has none: the service checks the choice.
        validate_choice=False,
    )
    # Free text so the server can explain what is wrong with it (see geo.parse_point).
    postcode = StringField(
        _l("Postcode"),
        validators=[Optional(), Length(max=10)],
        description=_l("The pin goes to the middle of the postcode; you can move it after."),
        render_kw={"autocomplete": "postal-code"},
    )
    lat = StringField(_l("Latitude"), validators=[Optional(), Length(max=30)])
    lon = StringField(_l("Longitude"), validators=[Optional(), Length(max=30)])
    # The version the editor opened: a save over someone else's newer one is refused.
    version = HiddenField(filters=[optional_int])


class NeedsSkills:
    """Projects and ideas say which skills would help: offers nearby are matched to them."""

    skills_needed = SkillsField(
        _l("Skills that would help (optional)"),
        description=_l(
            "Separate skills with commas, e.g. carpentry, design. People offering them nearby"
            " are shown your needs."
        ),
    )


class ProjectForm(NeedsSkills, ItemForm):
    status = SelectField(_l("Status"), choices=choices(STATUSES["project"]), default="planning")
    website = URLField(
        _l("Website (optional)"),
        validators=[
            Optional(),
            Length(max=300),
            Regexp(
                r"^https?://[^\s]+\.[^\s]+$",
                message=_l("Give a full web address starting with https://"),
            ),
        ],
    )
    submit = SubmitField(_l("Share project"))


class IdeaForm(NeedsSkills, ItemForm):
    submit = SubmitField(_l("Start the discussion"))


class OfferForm(ItemForm):
    summary = None  # offers say it all in the description
    offer_type = SelectField(_l("What you offer"), choices=choices(OFFER_TYPES))
    skills = SkillsField(
        _l("Skills"), description=_l("Separate skills with commas, e.g. carpentry, first aid.")
    )
    availability = StringField(
        _l("When you are available"),
        validators=[Length(max=200)],
        description=_l("e.g. weekday evenings"),
    )
    status = SelectField(_l("Status"), choices=choices(STATUSES["offer"]), default="available")
    ward = SelectField(
        _l("Ward you can help in"),
        coerce=optional_int,
        validate_choice=False,
        description=_l(
            "Needed if you give no point. Your exact point is never shown: "
            "the public sees it on a grid of about 250 m."
        ),
    )
    submit = SubmitField(_l("Make the offer"))


class EventForm(NeedsSkills, ItemForm):
    starts_on = DateField(_l("Day"), validators=[Optional()])
    start_time = TimeField(
        _l("Starts at"), validators=[Optional()], description=_l("London time, for example 18:30.")
    )
    end_time = TimeField(_l("Ends at"), validators=[Optional()])
    ends_on = DateField(
        _l("Ends on another day (optional)"),
        validators=[Optional()],
        description=_l("Only if it goes on past midnight or over several days."),
    )
    online_url = URLField(
        _l("Link to join online (optional)"),
        validators=[
            Optional(),
            Length(max=300),
            Regexp(
                r"^https://[^\s]+\.[^\s]+$",
                message=_l("Give a full web address starting with https://"),
            ),
        ],
        description=_l("For an online or hybrid event. Only people who can see the page see it."),
    )
    capacity = IntegerField(
        _l("Places (optional)"),
        validators=[Optional(), NumberRange(1, 10000, message=_l("Give between 1 and 10,000."))],
        description=_l("Leave empty if anyone can come. Past it, people join a waiting list."),
    )
    accessibility = TextAreaField(
        _l("Accessibility"),
        validators=[Length(max=500, message=_l("Keep it under 500 characters."))],
        description=_l("For example: step-free access, hearing loop, seating, quiet room."),
    )
    about_id = HiddenField(filters=[optional_int])
    ward = SelectField(
        _l("Ward it is for"),
        coerce=optional_int,
        validate_choice=False,
        description=_l("Needed for an online event with no place on the map."),
    )
    submit = SubmitField(_l("Publish the event"))


FORMS = {"project": ProjectForm, "idea": IdeaForm, "offer": OfferForm, "event": EventForm}
