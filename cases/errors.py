"""Domain errors, raised by services and selectors and mapped once to HTTP (cases.api.errors).

Each error has a stable ``code`` that clients can rely on, an HTTP ``status`` and a translatable
message. Field errors are ``{field: [(code, message), ...]}``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    code = "domain_error"
    default_message = _("The request cannot be carried out.")

    def __init__(self, message=None, *, code: str | None = None, fields: dict | None = None, extra: dict | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.fields = fields or {}
        self.extra = extra or {}
        super().__init__(str(self.message))


class ValidationFailed(DomainError):
    status = 400
    code = "validation_error"
    default_message = _("Some fields are not valid.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Forbidden(DomainError):
    status = 403
    code = "permission_denied"
    default_message = _("You may not do this.")


class Conflict(DomainError):
    """Somebody else changed the case first, or the case is not in a state that allows this."""

    status = 409
    code = "conflict"
    default_message = _("The case was changed by someone else or is not in a state that allows this.")


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = _("This step is not possible in the case's current state.")
