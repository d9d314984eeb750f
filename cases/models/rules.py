"""Procedure rules as data: every deadline of the procedure is a row an administrator edits."""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcedureRule(models.Model):
    class CaseType(models.TextChoices):
        LIST_ENTRY = "LIST_ENTRY", _("list entry")
        MEASURE = "MEASURE", _("measure execution")
        OBJECTION = "OBJECTION", _("objection")
        REPAIR = "REPAIR", _("credit repair")

    class PeriodUnit(models.TextChoices):
        CALENDAR_DAYS = "CALENDAR_DAYS", _("calendar days")
        WORKING_DAYS = "WORKING_DAYS", _("working days")
        MONTHS = "MONTHS", _("months")

    DEFAULT_REGIME = "default"

    case_type = models.CharField(_("case type"), max_length=16, choices=CaseType.choices)
    step = models.SlugField(_("step"), max_length=64)
    amount = models.PositiveIntegerField(_("amount"))
    period_unit = models.CharField(_("counted in"), max_length=16, choices=PeriodUnit.choices)
    # "default", a list type code, or a 6-digit region code: the most specific regime wins.
    regime = models.CharField(_("regime"), max_length=48, default=DEFAULT_REGIME)
    basis = models.CharField(_("basis"), max_length=255, help_text=_("The clause the figure comes from."))
    description = models.CharField(_("description"), max_length=255)
    effective_from = models.DateField(_("effective from"), default=dt.date(2000, 1, 1))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)

    class Meta:
        ordering = ["case_type", "step", "regime", "-effective_from"]
        verbose_name = _("procedure rule")
        verbose_name_plural = _("procedure rules")
        constraints = [
            models.UniqueConstraint(
                fields=["case_type", "step", "regime", "effective_from"], name="procedure_rule_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_case_type_display()} · {self.step}: {self.amount} {self.get_period_unit_display()}"
