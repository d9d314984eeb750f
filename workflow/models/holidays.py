"""Administrator-maintained holiday data: corrections to the chinesecalendar package, and the years
it does not cover yet (国务院办公厅关于部分节假日安排的通知, published each year)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from workflow import calendar as cal


class HolidayYear(models.Model):
    """A year whose holidays the administrator has entered as overrides.

    Only a year declared complete is used for years the package does not cover; until then any
    deadline touching that year fails loudly (CalendarDataMissing) instead of guessing.
    """

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
        ordering = ["date"]
        verbose_name = _("holiday override")
        verbose_name_plural = _("holiday overrides")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()

    def as_day_override(self) -> cal.DayOverride:
        return cal.DayOverride(date=self.date, kind=self.kind, name=self.name)


@receiver([post_save, post_delete], sender=HolidayYear, dispatch_uid="workflow_holiday_year_changed")
@receiver([post_save, post_delete], sender=HolidayOverride, dispatch_uid="workflow_holiday_override_changed")
def _holiday_data_changed(sender, **kwargs):
    # Connected here rather than in workflow.deadlines so that every process that can write holiday
    # data also invalidates the calendar cache of every other process.
    from workflow.deadlines import invalidate_calendar_cache

    invalidate_calendar_cache()
