"""Forms for a project's updates and for photos."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import FieldList, Form, FormField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from civicmap.forms import BaseForm
from civicmap.models.progress import MAX_PHOTOS_PER_UPDATE
from civicmap.models.vocabulary import STATUSES

ACCEPT = {"accept": "image/jpeg,image/png,image/webp"}


class PhotoEntry(Form):
    """One photo and its description, for people who cannot see it."""

    file = FileField(
        _l("Photo"), render_kw=ACCEPT, description=_l("JPEG, PNG or WebP, up to 10 MB.")
    )
    alt = StringField(
        _l("What the photo shows"),
        validators=[Optional(), Length(max=300)],
        description=_l("For people who cannot see it, e.g. “Volunteers planting the new bed”."),
    )


class UpdateForm(BaseForm):
    # Named apart from the comment form's fields: both are on a project's page.
    update_body = TextAreaField(
        _l("What happened?"),
        validators=[
            DataRequired(_l("Say what happened.")),
            Length(max=5000, message=_l("Keep an update under 5,000 characters.")),
        ],
    )
    update_stage = SelectField(
        _l("Stage"),
        choices=[("", _l("Keep the stage as it is")), *STATUSES["project"].items()],
        default="",
    )
    photos = FieldList(
        FormField(PhotoEntry), min_entries=MAX_PHOTOS_PER_UPDATE, max_entries=MAX_PHOTOS_PER_UPDATE
    )
    submit = SubmitField(_l("Post the update"))

    def uploads(self) -> list[tuple[object, str]]:
        """The photos chosen, each with what was typed to describe it."""
        return [
            (entry.form.file.data, entry.form.alt.data or "")
            for entry in self.photos
            if entry.form.file.data and entry.form.file.data.filename
        ]


class PhotoForm(BaseForm):
    photo = FileField(
        _l("Photo"), render_kw=ACCEPT, description=_l("JPEG, PNG or WebP, up to 10 MB.")
    )
    photo_alt = StringField(
        _l("What the photo shows"),
        validators=[
            DataRequired(_l("Describe the photo in a few words for people who cannot see it.")),
            Length(max=300),
        ],
        description=_l("For people who cannot see it, e.g. “Volunteers planting the new bed”."),
    )
    submit = SubmitField(_l("Add the photo"))
