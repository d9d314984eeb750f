"""The unit dashboard (单位工作看板): the unit's open work and how its deadlines were kept.

- open tasks, of which paused, due this week (today to Sunday), overdue (past due and not paused);
- for a month, the tasks completed in it: on time (on or before the due date), late, and 3x late
  (took more than three times the period the rule allowed); paused time is excluded: a pause moves
  the due date (the computation's ``paused_days``) and is not counted as time taken;
- objections and repair applications the unit handled, per month of filing, for twelve months.

Every count reads an index: open work from ``work_open_by_unit_due`` (unit, due, task), completed work from
``work_done_by_unit`` (unit, completed_at); objections and repairs by their unit foreign keys.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.errors import Forbidden
from cases.models import ObjectionCase, RepairCase
from cases.selectors.scope import ACTING_ROLES, staff_of
from deadlines.calendar import WORKING_DAYS, CalendarDataMissing, count_working_days
from deadlines.rules import current_calendar
from workflow.models import WorkItem

LATE_FACTOR = 3


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(first, dt.time.min, tzinfo=tz), dt.datetime.combine(following, dt.time.min, tzinfo=tz))


def _unit_of(user):
    staff = staff_of(user)
    if staff is None or staff.role not in ACTING_ROLES:
        raise Forbidden(_("Only officers and leaders of a unit have a dashboard."), code="not_unit_staff")
    return staff.unit


def _span(start: dt.date, end: dt.date, unit: str, calendar) -> int:
    if unit == WORKING_DAYS and calendar is not None:
        try:
            return count_working_days(start, end, calendar) if end >= start else -count_working_days(end, start, calendar)
        except CalendarDataMissing:
            pass
    return (end - start).days


def classify(work: dict, calendar) -> str:
    """``on_time``, ``late`` or ``late_3x`` for a completed task with a due date (paused time
    excluded: the due date already moved by the pauses, and they are not counted as time taken)."""
    done = timezone.localtime(work["completed_at"]).date()
    due = work["due"]
    if done <= due:
        return "on_time"
    computation = work["due_computation"] or {}
    start = dt.date.fromisoformat(computation["start"]) if computation.get("start") else \
        timezone.localtime(work["created_at"]).date()
    paused = computation.get("paused_days") or 0
    unit = work["due_unit"] or computation.get("unit") or ""
    allowed = max(1, _span(start, due, unit, calendar) - paused)
    taken = _span(start, done, unit, calendar) - paused
    return "late_3x" if taken > LATE_FACTOR * allowed else "late"


def unit_dashboard(*, user, month: dt.date | None = None, today: dt.date | None = None) -> dict:
    unit = _unit_of(user)
    today = today or timezone.localdate()
    month = (month or today).replace(day=1)
    week_end = today + dt.timedelta(days=6 - today.weekday())
    open_items = WorkItem.objects.filter(unit=unit, is_open=True)
    now = open_items.aggregate(
        open=Count("pk"),
        paused=Count("pk", filter=Q(paused_at__isnull=False)),
        due_this_week=Count("pk", filter=Q(due__gte=today, due__lte=week_end, paused_at__isnull=True)),
        overdue=Count("pk", filter=Q(due__lt=today, paused_at__isnull=True)),
        escalated=Count("pk", filter=Q(escalated_at__isnull=False)),
    )
    start, end = month_bounds(month)
    done = (WorkItem.objects.filter(unit=unit, is_open=False, completed_at__gte=start, completed_at__lt=end)
            .values("case_type", "step", "due", "due_unit", "due_computation", "created_at", "completed_at"))
    try:
        calendar = current_calendar()
    except CalendarDataMissing:
        calendar = None
    totals = {"completed": 0, "no_deadline": 0, "on_time": 0, "late": 0, "late_3x": 0}
    by_step: dict = {}
    for work in done.iterator(chunk_size=2000):
        row = by_step.setdefault((work["case_type"], work["step"]),
                                 {"case_type": work["case_type"], "step": work["step"], "completed": 0,
                                  "no_deadline": 0, "on_time": 0, "late": 0, "late_3x": 0})
        kind = "no_deadline" if work["due"] is None else classify(work, calendar)
        for target in (totals, row):
            target["completed"] += 1
            target[kind] += 1
    for target in (totals, *by_step.values()):
        target["late_total"] = target["late"] + target["late_3x"]
        dated = target["completed"] - target["no_deadline"]
        target["on_time_rate"] = round(100 * target["on_time"] / dated, 1) if dated else None
    return {
        "unit": unit, "today": today, "month": month, "week_end": week_end, "now": now,
        "month_totals": totals, "by_step": sorted(by_step.values(), key=lambda r: (r["case_type"], r["step"])),
        "cases_by_month": cases_by_month(unit=unit, until=month),
    }


def cases_by_month(*, unit, until: dt.date, months: int = 12) -> list[dict]:
    """Objections (accepted or verified by the unit) and repairs (decided by it) per month of filing."""
    first = until.replace(day=1)
    for _i in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    start, _ = month_bounds(first)
    _, end = month_bounds(until)
    rows: OrderedDict = OrderedDict()
    cursor = first
    while cursor <= until:
        rows[cursor] = {"month": cursor, "objections": 0, "objections_open": 0, "repairs": 0, "repairs_open": 0}
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    objections = (ObjectionCase.objects.filter(Q(accepting_unit=unit) | Q(verifying_unit=unit),
                                               filed_at__gte=start, filed_at__lt=end)
                  .annotate(m=TruncMonth("filed_at")).values("m")
                  .annotate(n=Count("pk"), still_open=Count("pk", filter=Q(state__in=[
                      "SUBMITTED", "NEEDS_SUPPLEMENT", "VERIFYING", "CONCLUDED"]))))
    for row in objections:
        key = timezone.localtime(row["m"]).date().replace(day=1) if isinstance(row["m"], dt.datetime) else row["m"]
        if key in rows:
            rows[key]["objections"], rows[key]["objections_open"] = row["n"], row["still_open"]
    repairs = (RepairCase.objects.filter(deciding_unit=unit, filed_at__gte=start, filed_at__lt=end)
               .annotate(m=TruncMonth("filed_at")).values("m")
               .annotate(n=Count("pk"), still_open=Count("pk", filter=Q(state__in=RepairCase.OPEN))))
    for row in repairs:
        key = timezone.localtime(row["m"]).date().replace(day=1) if isinstance(row["m"], dt.datetime) else row["m"]
        if key in rows:
            rows[key]["repairs"], rows[key]["repairs_open"] = row["n"], row["still_open"]
    return list(rows.values())


def unit_staff(*, user):
    """The officers and leaders of the user's unit (for reassigning and substitutes)."""
    from django.contrib.auth import get_user_model

    unit = _unit_of(user)
    return (get_user_model().objects.filter(staff__unit=unit, staff__role__in=ACTING_ROLES, is_active=True)
            .select_related("staff").order_by("staff__role", "username"))


__all__ = ["unit_dashboard", "cases_by_month", "unit_staff", "classify"]
