"""Domain errors, raised by services and selectors and mapped once to HTTP (cases.api.errors).

Each error has a stable ``code`` that clients can rely on, an HTTP ``status`` and a translatable
message. Field errors are ``{field: [(code, message), ...]}``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.identifiers import IdentifierError, NeitherIdentifier
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


# --- how a refused identifier reads (the registry, the status check, the imports) -------------

IDENTIFIER_MESSAGES = {
    "uscc_length": _("A unified social credit code has 18 characters; this one has %(found)s."),
    "uscc_character": _("Character %(position)s (“%(found)s”) is not allowed in a unified social credit code."),
    "uscc_category": _("“%(found)s” is not a valid registration authority and organisation type."),
    "uscc_region": _("Characters 3-8 must be a 6-digit administrative division code."),
    "org_code_character": _("The organisation code (characters 9-16) may contain only digits and capital letters."),
    "org_code_check": _(
        "The organisation code's check character (character 17) is wrong: expected “%(expected)s”, found “%(found)s”."
    ),
    "uscc_check": _("The check character (character 18) is wrong: expected “%(expected)s”, found “%(found)s”."),
    "resident_id_length": _("A resident identity card number has 18 characters; this one has %(found)s."),
    "resident_id_character": _("A resident identity card number has 17 digits and a final digit or X."),
    "resident_id_birth_date": _("Characters 7-14 (“%(found)s”) are not a real date of birth."),
    "resident_id_check": _("The check character (character 18) is wrong: expected “%(expected)s”, found “%(found)s”."),
}


def identifier_error_message(err: IdentifierError) -> str:
    if isinstance(err, NeitherIdentifier):
        return _("Neither a valid unified social credit code (%(uscc)s) nor a valid resident ID number (%(id)s).") % {
            "uscc": identifier_error_message(err.as_uscc).rstrip("。."),
            "id": identifier_error_message(err.as_resident_id).rstrip("。.")}
    return str(IDENTIFIER_MESSAGES[err.code]) % {"position": err.position, "found": err.found, "expected": err.expected}


def identifier_refused(err: IdentifierError) -> ValidationFailed:
    return ValidationFailed(fields={"identifier": [(err.code, identifier_error_message(err))]},
                            extra={"expected": err.expected} if err.expected else None)
