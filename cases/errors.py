"""Domain errors, raised by services and selectors and mapped once to HTTP (cases.api.errors).

Each error has a stable ``code`` that clients can rely on, an HTTP ``status`` and a translatable
message. Field errors are ``{field: [(code, message), ...]}``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from deadlines.errors import DeadlinesError


class DomainError(DeadlinesError):
    """The domain's errors share the shape of the deadlines app's (status, code, message, fields,
    extra), so the one error map renders both."""

    status = 400
    code = "domain_error"
    default_message = _("The request cannot be carried out.")


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


class TooManyAttempts(DomainError):
    """A limit on attempts was reached (e.g. wrong query codes for one case number): refused for a
    while whatever the input; ``extra`` says until when (``locked_until``, ``retry_after`` seconds)."""

    status = 429
    code = "too_many_attempts"
    default_message = _("Too many attempts. Please try again later.")
