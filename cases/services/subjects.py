"""Writes on credit subjects (信用主体)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.audit.services import audit_record
from cases.errors import Conflict, ValidationFailed, identifier_refused
from cases.identifiers import IdentifierError, validate_resident_id, validate_uscc
from cases.models import Subject, SubjectNameHistory

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
