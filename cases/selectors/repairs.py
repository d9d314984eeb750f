"""Reads of credit repair cases, scoped: the deciding (listing) unit and a unit asked to verify
performance see their cases; the credit lead office and auditors see every case of the units they
supervise (``scope``: the one rule). Also the oversight figures per unit and month (issue 5 item 6)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict

from django.db.models import QuerySet
from django.utils import timezone

from cases.models import RepairCase
from deadlines.calendar import CalendarDataMissing, count_working_days
from deadlines.rules import current_calendar

from .scope import cases_readable, staff_of

R = RepairCase.State


def repairs_visible_to(*, user) -> QuerySet[RepairCase]:
    base = RepairCase.objects.select_related("entry", "entry__list_type", "subject", "deciding_unit",
                                             "verification_unit")
    readable = cases_readable("repair", staff_of(user))
    return base.none() if readable is None else base.filter(readable)


def repair_figures(*, user, since: dt.date | None = None, until: dt.date | None = None,
                   today: dt.date | None = None) -> list[dict]:
    """Per deciding unit and month of application: applications, accepted / not accepted, the
    acceptance rate, the median working days from application to decision, and late cases (decided
    after the decision deadline, or still open past it)."""
    today = today or timezone.localdate()
    qs = repairs_visible_to(user=user)
    if since:
        qs = qs.filter(filed_at__date__gte=since)
    if until:
        qs = qs.filter(filed_at__date__lte=until)
    calendar = current_calendar()
    groups: dict[tuple, dict] = defaultdict(lambda: {"applications": 0, "accepted": 0, "not_accepted": 0,
                                                     "approved": 0, "rejected": 0, "late": 0, "days": []})
    for case in qs.order_by("id"):
        start = case.applied_on
        row = groups[(case.deciding_unit.code, case.deciding_unit.name, start.strftime("%Y-%m"))]
        row["applications"] += 1
        row["accepted"] += case.accepted_on is not None
        row["not_accepted"] += case.state == R.NOT_ACCEPTED
        row["approved"] += case.outcome == RepairCase.Outcome.APPROVED
        row["rejected"] += case.outcome == RepairCase.Outcome.REJECTED
        if case.decided_on:
            try:
                row["days"].append(count_working_days(start, case.decided_on, calendar))
            except CalendarDataMissing:
                row["days"].append((case.decided_on - start).days)
        if case.decision_due and ((case.decided_on and case.decided_on > case.decision_due)
                                  or (case.state in RepairCase.OPEN and today > case.decision_due)):
            row["late"] += 1
    figures = []
    for (code, name, month), row in sorted(groups.items(), key=lambda item: (item[0][2], item[0][0])):
        checked = row["accepted"] + row["not_accepted"]
        days = row.pop("days")
        figures.append({
            "unit": code, "unit_name": name, "month": month, **row,
            "acceptance_rate": round(row["accepted"] / checked, 3) if checked else None,
            "median_working_days_to_decision": statistics.median(days) if days else None,
        })
    return figures
