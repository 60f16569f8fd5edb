"""One family of errors for every domain rule a user can run into.

A service raises a ``DomainError`` (or a subclass) with a message already translated into
the active language, for the person who caused it: "This webinar is over.", "That
registration is for another webinar.". Interfaces map the family once: the API answers
``{"detail": message, "errors": {field: [message]}}`` with ``status`` (see ``api``), pages
render ``error.html`` with the same status (``core.middleware.DomainErrorMiddleware``), and
forms add the message to the named field. Programming errors stay ``ValueError`` /
``TypeError`` and are never shown to users.
"""

from __future__ import annotations

from django.forms import BaseForm


class DomainError(Exception):
    """A rule of the domain refused the change. ``message`` is shown to the user as it is."""

    #: HTTP status an interface answers with when it has no better place for the message.
    status: int = 400
    #: Stable machine-readable code (for API clients and tests); subclasses override.
    code: str = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.field = field
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message

    def as_dict(self) -> dict:
        """The API's error shape."""
        text = str(self)  # subclasses may add context (a report's line and column)
        return {"detail": text, "code": self.code, "errors": {self.field: [text]} if self.field else {}}


class NotAllowed(DomainError):
    """The change is not allowed in the object's current state (closed, over, replaced...)."""

    status = 409
    code = "not_allowed"


class Conflict(DomainError):
    """Someone else changed the object first (a stale form, a race that was lost)."""

    status = 409
    code = "conflict"


def add_to_form(form: BaseForm, error: DomainError) -> None:
    """Show ``error`` on ``form``: beside its field when the form has one, else above the form."""
    form.add_error(error.field if error.field in getattr(form, "fields", {}) else None, str(error))
