"""What the database refuses, in words a person understands.

The database guarantees the rules a crowd could break (once per person, capacity, one project
per idea, ids that exist); when two requests race, the loser's statement fails there. This table
turns each such failure into the error it means: a 409 or 422 shown beside the form, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from civicmap.errors import CivicmapError, Conflict, Invalid

# By constraint name: the rule it guards.
BY_CONSTRAINT: dict[str, Callable[[], CivicmapError]] = {
    "uq_appreciations_once_per_person": lambda: Conflict(_l("You have already appreciated this.")),
    "uq_volunteerings_once_per_person": lambda: Conflict(
        _l("You have already volunteered for this.")
    ),
    "uq_reports_once_per_person": lambda: Conflict(
        _l("You have reported this already. A moderator will look at it.")
    ),
    "uq_rsvps_once_per_person": lambda: Conflict(
        _l("You have already said you are going, or are on the waiting list.")
    ),
    "uq_initiatives_one_project_per_idea": lambda: Conflict(
        _l("This idea has already become a project.")
    ),
}

# By SQLSTATE: ours (raised by triggers), then PostgreSQL's classes a person's input can reach.
BY_SQLSTATE: dict[str, Callable[[], CivicmapError]] = {
    "CM003": lambda: Conflict(
        _l("This proposal already has all the volunteers it needs, or is no longer open.")
    ),
    "CM005": lambda: Conflict(_l("This event is full or no longer open.")),
    "23505": lambda: Conflict(_l("That has already been done.")),
    "23503": lambda: Invalid(
        None, _l("Something you chose no longer exists. Please choose again.")
    ),
    "23514": lambda: Invalid(None, _l("Please check what you entered.")),
    "22001": lambda: Invalid(None, _l("Something you entered is too long.")),
    "22003": lambda: Invalid(None, _l("A number you entered is out of range.")),
    "22P02": lambda: Invalid(None, _l("Please check what you entered.")),
}


def refusal_for(exc: DBAPIError) -> CivicmapError | None:
    """The error a database refusal means to a person, or None if it is not one of those."""
    orig = exc.orig
    diag = getattr(orig, "diag", None)
    constraint = getattr(diag, "constraint_name", None)
    if constraint in BY_CONSTRAINT:
        return BY_CONSTRAINT[constraint]()
    make = BY_SQLSTATE.get(getattr(orig, "sqlstate", None) or "")
    return make() if make else None


def flush_or_refuse(session: Session) -> None:
    """Flush in a savepoint; a refusal from the table above is raised as its error, with the
    session still usable (only the savepoint is rolled back)."""
    try:
        with session.begin_nested():
            session.flush()
    except DBAPIError as exc:
        refusal = refusal_for(exc)
        if refusal is None:
            raise
        raise refusal from None
