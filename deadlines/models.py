"""Deadline data an administrator maintains: the procedure rules (every period of the procedure is
a row), corrections to the chinesecalendar package, and the years it does not cover yet
(国务院办公厅关于部分节假日安排的通知, published each year).

The tables keep the names they had in the apps these models came from (state-only move, no data
touched): ``cases_procedurerule``, ``workflow_holidayyear``, ``workflow_holidayoverride``.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from deadlines import calendar as cal
from deadlines.wording import period_words, rule_name


class HolidayYear(models.Model):
    """A year whose official schedule the administrator has entered as overrides.

    A year declared complete is official: its days are exactly its overrides and the weekend rule,
    and it wins over the package. Until then the year is the package's (if covered) or provisional
    (the statutory rule, deadlines marked as provisional), and its overrides wait.
    """
    # The audit trail's name for these rows, from before they moved here from the workflow app.
    audit_label = "workflow.holidayyear"

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    source_document = models.CharField(
        _("source document"),
        max_length=255,
        help_text=_("The State Council notice the holidays come from, e.g. 国办发明电〔2026〕7号."),
    )
    declared_complete = models.BooleanField(
        _("all holidays entered"),
        default=False,
        help_text=_(
            "Tick once every holiday and make-up working day of the year is entered as an override. "
            "Weekends are then rest days and other days working days unless overridden."
        ),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        db_table = "workflow_holidayyear"
        ordering = ["-year"]
        verbose_name = _("holiday year")
        verbose_name_plural = _("holiday years")

    def __str__(self) -> str:
        return str(self.year)

    def clean(self):
        # A year always has statutory holidays: declaring one complete without any would make
        # every holiday of that year a working day.
        if (
            self.declared_complete
            and self.year
            and not HolidayOverride.objects.filter(date__year=self.year, kind=HolidayOverride.Kind.HOLIDAY).exists()
        ):
            raise ValidationError(
                {"declared_complete": _("Enter the year's holidays as overrides before declaring it complete.")}
            )


class HolidayOverride(models.Model):
    """One day whose status differs from the package's data, or a day of a year it does not cover."""
    audit_label = "workflow.holidayoverride"

    class Kind(models.TextChoices):
        HOLIDAY = cal.HOLIDAY, _("holiday (rest day)")
        WORKDAY = cal.WORKDAY, _("working day (incl. make-up working day)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(
        _("name"),
        max_length=64,
        blank=True,
        help_text=_("The holiday, e.g. 春节; for a make-up day the holiday it serves."),
    )
    source_document = models.CharField(_("source document"), max_length=255)

    class Meta:
        db_table = "workflow_holidayoverride"
        ordering = ["date"]
        verbose_name = _("holiday override")
        verbose_name_plural = _("holiday overrides")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()

    def as_day_override(self) -> cal.DayOverride:
        return cal.DayOverride(date=self.date, kind=self.kind, name=self.name)


class ProcedureRule(models.Model):
    """A period of the procedure as data: every deadline is a row an administrator edits."""
    audit_label = "cases.procedurerule"

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
        db_table = "cases_procedurerule"
        ordering = ["case_type", "step", "regime", "-effective_from"]
        verbose_name = _("procedure rule")
        verbose_name_plural = _("procedure rules")
        constraints = [
            models.UniqueConstraint(
                fields=["case_type", "step", "regime", "effective_from"], name="procedure_rule_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_case_type_display()} · {rule_name(self.case_type, self.step)}: {period_words(self.amount, self.period_unit)}"


class RecomputeRun(models.Model):
    """One recompute of the open deadlines after holiday data changed: what moved, kept for the
    administrator (the admin shows it) and the operators."""

    years = models.JSONField(_("years"), default=list)
    reason = models.CharField(_("reason"), max_length=255)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    examined = models.PositiveIntegerField(_("cases examined"), default=0)
    moved = models.PositiveIntegerField(_("deadlines moved"), default=0)
    held = models.PositiveIntegerField(_("deadlines held at the told date"), default=0)
    # One row per changed deadline: case, label, step, old and new due date, held.
    moves = models.JSONField(_("moves"), default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("deadline recompute")
        verbose_name_plural = _("deadline recomputes")

    def __str__(self) -> str:
        return f"{', '.join(str(y) for y in self.years)}: {self.moved}"
