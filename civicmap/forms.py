"""What every form shares: `submit` (validate, one service call, commit, or roll back and show
the refusal beside its field), the status of a form that was not accepted, and coercions."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy.exc import DBAPIError
from wtforms import HiddenField, PasswordField, StringField, ValidationError
from wtforms.validators import Length

from civicmap.errors import CivicmapError, Conflict, Invalid
from civicmap.extensions import db
from civicmap.routing import is_database_id
from civicmap.services.refusals import refusal_for

# C0 control characters (and DEL) other than tab, newline and carriage return: nothing a person
# means to type, and they break XML (the Atom feeds) and spreadsheets.
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value):
    """What a person typed, without control characters or surrounding white space (so a
    length check counts what will be stored)."""
    if isinstance(value, str):
        return CONTROLS.sub("", value).strip()
    return value


class BaseForm(FlaskForm):
    """Every form's text fields are cleaned before they are validated (passwords excepted:
    they are kept exactly as typed)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                filters = [*unbound_field.kwargs.get("filters", ()), clean_text]
                return unbound_field.bind(form=form, filters=filters, **options)
            return unbound_field.bind(form=form, **options)


class SkillsField(StringField):
    """Skill tags typed as "carpentry, first aid"; stored tags (a list) show the same way.
    The service normalises them (services/skills.py): the form only carries the text."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"autocomplete": "off"})
        super().__init__(label, validators or [Length(max=900)], **kwargs)

    def process_data(self, value):
        self.data = ", ".join(value) if isinstance(value, list | tuple) else value


class HumanCheck:
    """For sign-up and new items, the forms scripts fill: a honeypot field hidden from people
    and screen readers (a bot fills every field), and a signed time the form was shown (a bot
    posts in under HUMAN_MIN_SECONDS). A person never notices either."""

    nickname = StringField(
        _l("Leave this empty"), render_kw={"tabindex": "-1", "autocomplete": "off"}
    )
    shown_at = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_submitted():
            self.shown_at.data = _stamps().dumps(time.time())

    def validate_nickname(self, field):
        if field.data:
            raise ValidationError(_l("Please leave the last field empty."))

    def validate_shown_at(self, field):
        least = current_app.config["HUMAN_MIN_SECONDS"]
        if not least:
            return
        try:
            shown = float(_stamps().loads(field.data or "", max_age=24 * 3600))
        except BadData:
            raise ValidationError(_l("The form was too old. Please send it again.")) from None
        if time.time() - shown < least:
            raise ValidationError(
                _l("That was very quick. Please check the form and send it again.")
            )


def _stamps() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="form-shown-at")


def optional_int(value):
    """A chosen id, or None for "none chosen"; ValueError (a message on the field) for text
    that is no database id ("1e20", "2147483648", "-1")."""
    if value in (None, "", "None"):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not is_database_id(str(value)):
        raise ValueError(_l("That choice is not one of the options."))
    return int(value)


def show_invalid(form, exc: CivicmapError) -> None:
    """Put a service's refusal next to the field it is about (or at the top of the form)."""
    found = _field_named(form, getattr(exc, "field", None) or "")
    if found is not None:
        found.errors = [*found.errors, exc.message]
    else:
        form.form_errors.append(exc.message)


def _field_named(fields, name: str):
    """The field called `name`, also inside lists of subforms ("photos-0-file")."""
    for f in fields if name else ():
        if f.name == name:
            return f
        inner = getattr(f, "entries", None) or (f.form if f.type == "FormField" else None)
        found = _field_named(inner, name) if inner is not None else None
        if found is not None:
            return found
    return None


def submit(form, action: Callable[[], Any]) -> tuple[bool, Any]:
    """Validate a posted form, run its one service call and commit: (True, what it returned).

    A refusal (Invalid, Conflict, or a rule the database enforces when a crowd races for it)
    rolls everything back and is shown next to its field, with what the person typed kept:
    (False, None), and `form_status` then gives its HTTP status.
    """
    if not form.validate_on_submit():
        return False, None
    try:
        result = action()
        db.session.commit()
    except (Invalid, Conflict) as exc:
        refusal = exc
    except DBAPIError as exc:
        refusal = refusal_for(exc)
        if refusal is None:
            raise
    else:
        return True, result
    db.session.rollback()
    show_invalid(form, refusal)
    form.refusal, form.refusal_status = refusal, refusal.status
    return False, None


def form_status(form) -> int:
    """200 for a form shown, else the status of why a posted one was not accepted."""
    if request.method != "POST":
        return 200
    return getattr(form, "refusal_status", 422)
