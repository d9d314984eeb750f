"""The letters' vocabulary the domain speaks: which letter (domain.md §6) and where it stands.

The domain's services name the letter a step issues (a prior notice, an objection's result) and its
pages tell an applicant which letters are issued; the letters app numbers, renders and signs them.
The words live here, below both, so the domain names a letter without importing the letters app
(``letters.types`` re-exports ``LetterType`` next to each type's spec; docs/architecture.md).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LetterType(models.TextChoices):
    # Listing (列入)
    PRIOR_NOTICE = "PRIOR_NOTICE", _("prior notice of listing")
    LISTING_DECISION = "LISTING_DECISION", _("listing decision")
    REPAIR_NOTICE = "REPAIR_NOTICE", _("credit repair notice")
    REMOVAL_DECISION = "REMOVAL_DECISION", _("removal decision")
    # Objection (异议)
    OBJECTION_ACCEPTED = "OBJECTION_ACCEPTED", _("objection acceptance notice")
    OBJECTION_NOT_ACCEPTED = "OBJECTION_NOT_ACCEPTED", _("objection non-acceptance notice")
    OBJECTION_SUPPLEMENT = "OBJECTION_SUPPLEMENT", _("objection supplement request")
    VERIFICATION_NOTICE = "VERIFICATION_NOTICE", _("verification notice")
    OBJECTION_RESULT = "OBJECTION_RESULT", _("objection result notice")
    OBJECTION_LAPSED = "OBJECTION_LAPSED", _("objection deemed withdrawn notice")
    # Credit repair (信用修复)
    REPAIR_ACCEPTED = "REPAIR_ACCEPTED", _("repair acceptance notice")
    REPAIR_NOT_ACCEPTED = "REPAIR_NOT_ACCEPTED", _("repair non-acceptance notice")
    REPAIR_SUPPLEMENT = "REPAIR_SUPPLEMENT", _("repair supplement request")
    REPAIR_APPROVED = "REPAIR_APPROVED", _("repair decision (approved)")
    REPAIR_REJECTED = "REPAIR_REJECTED", _("repair decision (rejected)")
    REPAIR_LAPSED = "REPAIR_LAPSED", _("repair application deemed withdrawn notice")
    # The subject's own form
    COMMITMENT = "COMMITMENT", _("credit commitment letter")


class LetterStatus(models.TextChoices):
    """Where a numbered letter stands (``letters.models.Letter.Status``): only an issued one is
    signed and downloadable; a superseded one was issued and replaced by a correction."""

    PENDING = "PENDING", _("numbered, being rendered")
    ISSUED = "ISSUED", _("issued")
    FAILED = "FAILED", _("rendering failed")
    SUPERSEDED = "SUPERSEDED", _("superseded")
