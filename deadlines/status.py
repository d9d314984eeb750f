"""Is the holiday data ready for the deadlines ahead? From ``DEADLINES_CALENDAR_WARN_FROM``
(month-day, default 1 November) until next year's official schedule is known, and throughout a
year that has none, deadlines are provisional: ``/readyz`` warns (it does not fail), ``/metrics``
exposes it, and the admin index and unit dashboards show it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines.rules import current_calendar


@dataclass(frozen=True)
class CalendarWarning:
    year: int

    @property
    def message(self) -> str:
        return _("The %(year)s holiday schedule has not been entered yet; deadlines in %(year)s are computed "
                 "provisionally with the statutory holidays.") % {"year": self.year}


def _warn_from(year: int) -> dt.date:
    month, day = (int(part) for part in str(getattr(settings, "DEADLINES_CALENDAR_WARN_FROM", "11-01")).split("-"))
    return dt.date(year, month, day)


def calendar_warnings(today: dt.date | None = None) -> list[CalendarWarning]:
    """The years deadlines may reach soon whose official schedule is missing."""
    today = today or timezone.localdate()
    calendar = current_calendar()
    years = [today.year]
    if today >= _warn_from(today.year):
        years.append(today.year + 1)
    return [CalendarWarning(year) for year in years if not calendar.is_official(year)]
