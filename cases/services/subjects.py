"""Writes on credit subjects (信用主体)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.audit.services import audit_record, field_changes
from cases.errors import Conflict, ValidationFailed
from cases.identifiers import IdentifierError, NeitherIdentifier, validate_resident_id, validate_uscc
from cases.locking import for_update
from cases.models import Subject, SubjectNameHistory

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


def validate_identifier(kind: str, identifier: str) -> tuple[str, str]:
    """Return (identifier_type, normalised identifier) or raise ValidationFailed on ``identifier``."""
    try:
        if kind == Subject.Kind.NATURAL_PERSON:
            return Subject.IdentifierType.RESIDENT_ID, validate_resident_id(identifier)
        code = validate_uscc(identifier)
        if kind == Subject.Kind.INDIVIDUAL_BUSINESS and not code.startswith("92"):
            raise ValidationFailed(
                fields={"identifier": [("uscc_kind", _("An individual business's code starts with 92."))]}
            )
        return Subject.IdentifierType.USCC, code
    except IdentifierError as err:
        raise identifier_refused(err) from None


@transaction.atomic
def subject_register(
    *,
    actor,
    kind: str,
    identifier: str,
    name: str,
    legal_representative: str = "",
    region=None,
    address: str = "",
    name_valid_from: dt.date | None = None,
) -> Subject:
    """Register a subject. One subject per identifier; a bad check character is never stored."""
    if kind not in Subject.Kind.values:
        raise ValidationFailed(fields={"kind": [("invalid_choice", _("Unknown subject type."))]})
    identifier_type, code = validate_identifier(kind, identifier)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(fields={"name": [("required", _("The name is required."))]})
    existing = Subject.objects.filter(identifier=code).first()
    if existing is not None:
        raise Conflict(
            _("A subject with this identifier is already registered."),
            code="subject_exists",
            extra={"subject_id": existing.pk},
        )
    try:
        with transaction.atomic():
            subject = Subject.objects.create(
                kind=kind, identifier_type=identifier_type, identifier=code, name=name,
                legal_representative=legal_representative.strip(), region=region, address=address.strip(),
            )
    except IntegrityError:
        # Registered concurrently by someone else between our check and our insert.
        raise Conflict(_("A subject with this identifier is already registered."), code="subject_exists") from None
    SubjectNameHistory.objects.create(subject=subject, name=name, valid_from=name_valid_from or timezone.localdate())
    audit_record(
        action="subject.register",
        obj=subject,
        actor=actor,
        changes={"identifier": [None, code], "name": [None, name], "kind": [None, kind]},
    )
    return subject


@transaction.atomic
def subject_update(*, actor, subject: Subject, reason: str = "", **fields) -> Subject:
    """Change a subject's name, legal representative or address; a new name closes the old one."""
    allowed = {"name", "legal_representative", "address", "region"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationFailed(fields={f: [("read_only", _("This field cannot be changed."))] for f in unknown})
    subject = for_update(Subject.objects).get(pk=subject.pk)
    before = {f: getattr(subject, f if f != "region" else "region_id") for f in fields}
    for f, value in fields.items():
        setattr(subject, f, value.strip() if isinstance(value, str) else value)
    if "name" in fields and not subject.name:
        raise ValidationFailed(fields={"name": [("required", _("The name is required."))]})
    after = {f: getattr(subject, f if f != "region" else "region_id") for f in fields}
    changes = field_changes(before, after)
    if not changes:
        return subject
    subject.save()
    if "name" in changes:
        today = timezone.localdate()
        SubjectNameHistory.objects.filter(subject=subject, valid_to__isnull=True).update(valid_to=today)
        SubjectNameHistory.objects.create(subject=subject, name=subject.name, valid_from=today)
    audit_record(action="subject.update", obj=subject, actor=actor, changes=changes, reason=reason)
    return subject
