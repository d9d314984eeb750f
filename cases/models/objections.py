"""Objections (异议), domain.md §3: the data-providing unit verifies within 20 days of receiving the
verification notice; joint punishment is suspended meanwhile (seed: Tibet 2017 item 十八)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from .intake import FiledCase


class ObjectionCase(FiledCase):
    CASE_TYPE = "OBJECTION"
    # Each kept deadline (a key of ``deadlines``) and the field that shows its date; those a
    # supplement request pauses.
    DEADLINE_FIELDS = {"acceptance": "acceptance_due", "verification": "verification_due"}
    PAUSED_DEADLINES = ("acceptance",)
    # The entry's fields a conclusion may correct (``corrections`` keys), in the order the correction
    # form lists them, with the labels the case page gives them.
    CORRECTABLE_FIELDS = {"facts": _("Facts"), "reasons": _("Reasons"), "basis": _("Basis"),
                          "valid_until": _("Valid until")}

    class State(models.TextChoices):
        SUBMITTED = "SUBMITTED", _("submitted, acceptance check")
        NEEDS_SUPPLEMENT = "NEEDS_SUPPLEMENT", _("waiting for supplementary material")
        NOT_ACCEPTED = "NOT_ACCEPTED", _("not accepted")
        VERIFYING = "VERIFYING", _("being verified")
        CONCLUDED = "CONCLUDED", _("concluded, awaiting approval")
        CLOSED = "CLOSED", _("closed")
        WITHDRAWN = "WITHDRAWN", _("withdrawn")

    class Target(models.TextChoices):
        CONTENT = "CONTENT", _("the content of a list entry")
        PUBLICATION = "PUBLICATION", _("the publication period")
        REPAIR_RESULT = "REPAIR_RESULT", _("a credit repair result")

    class Outcome(models.TextChoices):
        CORRECTED = "CORRECTED", _("corrected")
        REVOKED = "REVOKED", _("revoked")
        UPHELD = "UPHELD", _("upheld")

    S = State
    OPEN = [S.SUBMITTED, S.NEEDS_SUPPLEMENT, S.VERIFYING, S.CONCLUDED]
    # The applicant may withdraw until the conclusion is proposed.
    WITHDRAWABLE = [S.SUBMITTED, S.NEEDS_SUPPLEMENT, S.VERIFYING]
    # The map of what may happen, besides the steps every filed case has (FiledCase).
    STEPS = {
        "accept": (S.SUBMITTED, S.VERIFYING),
        "conclude": (S.VERIFYING, S.CONCLUDED),
        "send_back": (S.CONCLUDED, S.VERIFYING),
        "close": (S.CONCLUDED, S.CLOSED),
    }

    entry = models.ForeignKey("cases.ListEntry", on_delete=models.PROTECT, related_name="objections",
                              verbose_name=_("list entry"))
    subject = models.ForeignKey("cases.Subject", on_delete=models.PROTECT, related_name="objections",
                                verbose_name=_("subject"))
    target = models.CharField(_("objection to"), max_length=16, choices=Target.choices, default=Target.CONTENT)
    grounds = models.TextField(_("grounds"))
    # The unit that checks acceptance (the platform window of the region, else the listing unit),
    # and the unit that verifies (the entry's data-providing unit).
    accepting_unit = models.ForeignKey("cases.Unit", on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("accepting unit"))
    verifying_unit = models.ForeignKey("cases.Unit", on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("verifying unit"))
    reporting_unit = models.ForeignKey("cases.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                       verbose_name=_("reporting unit"),
                                       help_text=_("The implementing unit that found the information wrong."))
    state = FSMField(_("state"), default=S.SUBMITTED, choices=State.choices, protected=True)

    verification_received_on = models.DateField(_("verification notice received on"), null=True, blank=True)
    verification_due = models.DateField(_("verification due"), null=True, blank=True)
    # Whether acceptance suspended the entry (it was in force then). An objection on an entry no
    # longer in force (removed, e.g. after a repair) suspends nothing and so resumes nothing.
    suspended_entry = models.BooleanField(_("entry suspended during verification"), default=False)

    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    corrections = models.JSONField(_("corrections"), default=dict, blank=True)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("concluded by"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        indexes = [
            models.Index(fields=["entry"], name="objection_open_by_entry", condition=models.Q(
                state__in=["SUBMITTED", "NEEDS_SUPPLEMENT", "VERIFYING", "CONCLUDED"])),
            models.Index(fields=["subject", "filed_at"], name="objection_by_subject"),
            # The auditors' finder lists cases newest first.
            models.Index(fields=["filed_at"], name="objection_by_filed"),
        ]

    def __str__(self) -> str:
        return self.number or f"objection {self.pk}"

    @property
    def effect_prefix(self) -> str:
        """How the reason of every change its conclusion makes to the entry begins (the case page
        finds the correction's values before by it)."""
        return f"异议{self.number}："
