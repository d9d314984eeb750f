"""When the applicant may chase up (催办) a case next: the rule is ``cases.services.intake.chase_up``
(once per working day; a chase-up on a rest day counts for the next working day)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases.models import ChaseUp
from deadlines.rules import current_calendar


def _working_day_from(day: dt.date, calendar) -> dt.date:
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def chase_up_next_on(case, *, today: dt.date | None = None) -> dt.date | None:
    """None when a chase-up is possible now; else the first day it is (the working day after the one
    today's chase-up counted for)."""
    today = today or timezone.localdate()
    calendar = current_calendar()
    day = _working_day_from(today, calendar)
    if not ChaseUp.objects.filter(object_type=case._meta.label_lower, object_id=case.pk, on=day).exists():
        return None
    return _working_day_from(day + dt.timedelta(days=1), calendar)
