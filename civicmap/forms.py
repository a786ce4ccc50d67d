"""What every form shares: `submit` (validate, one service call, commit, or roll back and show
the refusal beside its field), the status of a form that was not accepted, and coercions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request

from civicmap.errors import CivicmapError, Conflict, Invalid
from civicmap.extensions import db


def optional_int(value):
    """A select's value as an id, or None for "none chosen"."""
    return int(value) if value not in (None, "", "None") else None


def show_invalid(form, exc: CivicmapError) -> None:
    """Put a service's refusal next to the field it is about (or at the top of the form)."""
    field = getattr(exc, "field", None)
    if field and field in form:
        form[field].errors = [*form[field].errors, exc.message]
    else:
        form.form_errors.append(exc.message)


def submit(form, action: Callable[[], Any]) -> tuple[bool, Any]:
    """Validate a posted form, run its one service call and commit: (True, what it returned).

    A refusal (Invalid, Conflict) rolls everything back and is shown next to its field, with
    what the person typed kept: (False, None), and `form_status` then gives its HTTP status.
    """
    if not form.validate_on_submit():
        return False, None
    try:
        result = action()
        db.session.commit()
    except (Invalid, Conflict) as exc:
        db.session.rollback()
        show_invalid(form, exc)
        form.refusal_status = exc.status
        return False, None
    return True, result


def form_status(form) -> int:
    """200 for a form shown, else the status of why a posted one was not accepted."""
    if request.method != "POST":
        return 200
    return getattr(form, "refusal_status", 422)
