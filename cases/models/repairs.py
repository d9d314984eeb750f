"""Credit repair (信用修复), domain.md §4: whoever listed it repairs it (谁认定、谁修复). The listing
unit checks acceptance within 3 working days, its officer reviews and proposes, its leader decides
within 10 working days of the application; an approval removes the entry (REPAIRED) and lifts
every measure. Seeds: Tibet 2017 item 十七, Chongqing item 18, Ankang 四(四), Lianping 二十三."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from .intake import FiledCase


class RepairCase(FiledCase):
    CASE_TYPE = "REPAIR"
    # Each kept deadline (a key of ``deadlines``) and the field that shows its date; a supplement
    # request pauses both.
    DEADLINE_FIELDS = {"acceptance": "acceptance_due", "decision": "decision_due"}
    PAUSED_DEADLINES = ("acceptance", "decision")

    class State(models.TextChoices):
        SUBMITTED = "SUBMITTED", _("submitted, acceptance check")
        NEEDS_SUPPLEMENT = "NEEDS_SUPPLEMENT", _("waiting for supplementary material")
        NOT_ACCEPTED = "NOT_ACCEPTED", _("not accepted")
        ACCEPTED = "ACCEPTED", _("accepted, under review")
        REVIEWING = "REVIEWING", _("proposal before the unit leader")
        APPROVED = "APPROVED", _("approved, measures being lifted")
        REJECTED = "REJECTED", _("rejected")
        CLOSED = "CLOSED", _("closed")
        REPAIR_REVOKED = "REPAIR_REVOKED", _("repair revoked (false material)")
        WITHDRAWN = "WITHDRAWN", _("withdrawn")

    class Proposal(models.TextChoices):
        APPROVE = "APPROVE", _("approve the repair")
        REJECT = "REJECT", _("reject the repair")

    class Outcome(models.TextChoices):
        APPROVED = "APPROVED", _("repair approved")
        REJECTED = "REJECTED", _("repair rejected")
        ENTRY_REMOVED = "ENTRY_REMOVED", _("ended: the entry left the list by another procedure")

    S = State
    OPEN = [S.SUBMITTED, S.NEEDS_SUPPLEMENT, S.ACCEPTED, S.REVIEWING]
    WITHDRAWABLE = OPEN  # until the decision
    # The map of what may happen, besides the steps every filed case has (FiledCase).
    STEPS = {
        "accept": (S.SUBMITTED, S.ACCEPTED),
        # Not while another unit's verification of performance is pending.
        "propose": (S.ACCEPTED, S.REVIEWING, lambda self: not self.verification_pending),
        "send_back": (S.REVIEWING, S.ACCEPTED),
        "approve": (S.REVIEWING, S.APPROVED),
        "reject": (S.REVIEWING, S.REJECTED),
        "close": (S.APPROVED, S.CLOSED),
        # The entry left the list by another procedure (expiry, an objection, a court): nothing
        # is left to repair.
        "lapse": (OPEN, S.CLOSED),
        "revoke": ([S.APPROVED, S.CLOSED], S.REPAIR_REVOKED),
    }
    # An approved repair counts for the cap on repairs, even if later revoked.
    GRANTED = [S.APPROVED, S.CLOSED, S.REPAIR_REVOKED]

    entry = models.ForeignKey("cases.ListEntry", on_delete=models.PROTECT, related_name="repairs",
                              verbose_name=_("list entry"))
    subject = models.ForeignKey("cases.Subject", on_delete=models.PROTECT, related_name="repairs",
                                verbose_name=_("subject"))
    # 谁认定、谁修复: the entry's listing unit accepts, reviews and decides.
    deciding_unit = models.ForeignKey("cases.Unit", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("deciding unit"))
    state = FSMField(_("state"), default=S.SUBMITTED, choices=State.choices, protected=True)
    performance = models.TextField(_("how the conduct was corrected and the obligations performed"))
    # The eligibility engine's answer (cases.services.repair_eligibility) at filing and at acceptance.
    eligibility = models.JSONField(_("eligibility"), default=dict, blank=True)

    decision_due = models.DateField(_("decision due"), null=True, blank=True)
    extended_on = models.DateField(_("extended on"), null=True, blank=True)

    # Verification of performance (履行情况核实) asked of another unit, e.g. the tax bureau.
    verification_unit = models.ForeignKey("cases.Unit", on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name=_("verifying unit"))
    verification_request = models.TextField(_("what is to be verified"), blank=True)
    verification_requested_on = models.DateField(_("verification requested on"), null=True, blank=True)
    verification_reported_on = models.DateField(_("verification reported on"), null=True, blank=True)
    verification_performed = models.BooleanField(_("obligations found performed"), null=True, blank=True)
    verification_findings = models.TextField(_("verification findings"), blank=True)

    proposal = models.CharField(_("officer's proposal"), max_length=8, choices=Proposal.choices, blank=True)
    proposal_findings = models.TextField(_("review findings"), blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("proposed by"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    decision_reasons = models.TextField(_("reasons of the decision"), blank=True)
    earliest_reapply_on = models.DateField(_("may apply again from"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    revocation_reason = models.TextField(_("reason for revoking the repair"), blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("revoked by"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("credit repair")
        verbose_name_plural = _("credit repairs")
        indexes = [
            models.Index(fields=["entry"], name="repair_open_by_entry", condition=models.Q(
                state__in=["SUBMITTED", "NEEDS_SUPPLEMENT", "ACCEPTED", "REVIEWING", "APPROVED"])),
            models.Index(fields=["subject", "decided_on"], name="repair_by_subject"),
            models.Index(fields=["deciding_unit", "filed_at"], name="repair_by_unit"),
            # The auditors' finder lists cases newest first.
            models.Index(fields=["filed_at"], name="repair_by_filed"),
        ]

    def __str__(self) -> str:
        return self.number or f"repair {self.pk}"

    @property
    def applied_on(self):
        """The day of the application: every period of the case runs from it (kept in the
        computation; a case without one counts from the Beijing date of its filing)."""
        data = self.deadlines.get("decision") or self.deadlines.get("acceptance")
        return dt.date.fromisoformat(data["start"]) if data else super().applied_on

    @property
    def rule_regimes(self) -> tuple[str, ...]:
        # A list type may have rule rows of its own for repairs.
        return (self.entry.list_type.code, "default")

    @property
    def verification_pending(self) -> bool:
        return self.verification_requested_on is not None and self.verification_reported_on is None
