from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from civicmap.forms import BaseForm, optional_int
from civicmap.geo import NEAR_DISTANCES, distance_label
from civicmap.services.matching import DEFAULT_DISTANCE


class NearForm(BaseForm):
    """Where "near me" is, and how far: a search (GET), so it needs no CSRF token."""

    class Meta:
        csrf = False

    source = RadioField(
        _l("Measure from"),
        choices=[
            ("ward", _l("My ward")),
            ("postcode", _l("A postcode")),
            ("offer", _l("One of my offers")),
        ],
        default="ward",
    )
    postcode = StringField(
        _l("Postcode"),
        validators=[Optional(), Length(max=10)],
        render_kw={"autocomplete": "postal-code"},
    )
    offer = SelectField(_l("Offer"), coerce=optional_int, validate_choice=False)
    within = SelectField(
        _l("Within"),
        choices=[(d, distance_label(d)) for d in NEAR_DISTANCES],
        coerce=int,
        default=DEFAULT_DISTANCE,
    )
    submit = SubmitField(_l("Show needs"))
