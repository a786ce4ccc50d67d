"""Errors that carry their HTTP status, raised by services and turned into pages or JSON."""

from flask_babel import lazy_gettext as _l


class CivicmapError(Exception):
    status = 400
    title = _l("Bad request")

    def __init__(self, message: str | None = None):
        # Plain text, never the lazy string: Flask-Babel's lazy strings count as safe markup,
        # so one filled with what a person typed would reach the page unescaped.
        text = str(message) if message else str(self.title)
        super().__init__(text)
        self.message = text


class Invalid(CivicmapError):
    """Input that cannot be accepted; `field` names the form field it belongs to, if any."""

    status = 422
    title = _l("Please check what you entered")

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field


class InvalidParameter(Invalid):
    """A query parameter that cannot be used (a bad bbox, an unknown filter value): 400."""

    status = 400
    title = _l("Bad request")


class NotFound(CivicmapError):
    status = 404
    title = _l("Not found")


class Gone(CivicmapError):
    status = 410
    title = _l("This has been removed")


class Forbidden(CivicmapError):
    status = 403
    title = _l("You cannot do that")


class Conflict(CivicmapError):
    status = 409
    title = _l("That has already been done")
