"""Letters (文书): numbered, rendered, signed PDFs issued by a unit within a case (domain.md §6)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.letter_types import LetterStatus

from .types import LetterType, spec_for


def new_public_token() -> str:
    # 128 bits, URL-safe: the QR code's link must not be guessable from the number.
    return secrets.token_urlsafe(16)


class Letter(models.Model):
    Status = LetterStatus  # the domain's words (cases.letter_types), so its pages read them too

    letter_type = models.CharField(_("letter type"), max_length=32, choices=LetterType.choices)
    unit = models.ForeignKey("cases.Unit", on_delete=models.PROTECT, related_name="letters",
                             verbose_name=_("issuing unit"))
    subject = models.ForeignKey("cases.Subject", on_delete=models.PROTECT, related_name="letters",
                                verbose_name=_("credit subject"))
    # The case this letter belongs to: its audit chain (e.g. "cases.objectioncase:7") and its
    # human reference; the case models hold the letter, the letter only points back.
    case_chain = models.CharField(_("case audit chain"), max_length=96, db_index=True)
    case_ref = models.CharField(_("case reference"), max_length=64)
    addressee = models.CharField(_("addressee"), max_length=200)
    context = models.JSONField(_("content"), encoder=DjangoJSONEncoder, default=dict)

    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("sequence number"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=64, blank=True, db_index=True)
    issue_date = models.DateField(_("date of the letter"))

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    failure_reason = models.TextField(_("failure reason"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("rendering attempts"), default=0)
    # Set when the production task could not be handed to the broker at commit (Redis down): the
    # beat sweep enqueues such a letter at its next run instead of after the grace period.
    enqueue_failed_at = models.DateTimeField(_("production enqueue failed at"), null=True, blank=True)

    public_token = models.CharField(_("verification token"), max_length=32, unique=True, default=new_public_token)
    pdf = models.FileField(_("PDF"), upload_to="letters/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    signer_certificate = models.CharField(_("signing certificate"), max_length=255, blank=True)
    signature_algorithm = models.CharField(_("signature algorithm"), max_length=32, blank=True)
    render_seconds = models.FloatField(_("render time (s)"), null=True, blank=True)
    sign_seconds = models.FloatField(_("signing time (s)"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    supersedes = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="superseded_by", verbose_name=_("supersedes"))
    superseded_reason = models.TextField(_("reason for reissue"), blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        constraints = [
            # Gapless and unique per issuing unit, letter type and year (numbering.py).
            models.UniqueConstraint(fields=["unit", "letter_type", "year", "number"], name="letter_number_unique"),
            models.CheckConstraint(
                condition=models.Q(letter_type=LetterType.COMMITMENT, number__isnull=True)
                | (~models.Q(letter_type=LetterType.COMMITMENT) & models.Q(number__isnull=False)),
                name="letter_numbered_unless_commitment",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="FAILED") | ~models.Q(failure_reason=""),
                name="letter_failure_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "letter_type", "year"], name="letter_unit_type_year"),
            # The beat sweep's "still PENDING long after numbering" (a few rows, whatever the table size).
            models.Index(fields=["created_at"], name="letter_pending_by_created",
                         condition=models.Q(status="PENDING")),
        ]

    def __str__(self) -> str:
        return self.document_number or f"{self.title} #{self.pk}"

    @property
    def spec(self):
        return spec_for(self.letter_type)

    @property
    def title(self) -> str:
        return self.spec.title_for(self.context)

    @property
    def is_current(self) -> bool:
        return self.status == self.Status.ISSUED


class LetterNumberCounter(models.Model):
    """The last number handed out per unit, letter type and year; locked while a number is taken."""

    unit = models.ForeignKey("cases.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    letter_type = models.CharField(max_length=32, choices=LetterType.choices, verbose_name=_("letter type"))
    year = models.PositiveSmallIntegerField(verbose_name=_("year"))
    last_number = models.PositiveIntegerField(default=0, verbose_name=_("last number"))

    class Meta:
        verbose_name = _("document number counter")
        verbose_name_plural = _("document number counters")
        constraints = [
            models.UniqueConstraint(fields=["unit", "letter_type", "year"], name="letter_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.letter_type}/{self.year}: {self.last_number}"
