"""The implementing units' monthly execution feedback report (执行反馈, domain.md §2).

Implementing units report how they executed the measures pushed to them, monthly at the latest
(rule row MEASURE/feedback, *configurable*). This report answers, per implementing unit and month:
what was pushed, acknowledged (响应), applied (执行) or not applied (and why), suspended, lift-pending
and lifted; who applied what; and who is late.

Where the counts come from: an execution's push is its ``created_at``; every later transition is an
event of the execution's audit chain (``cases.audit``), which is the append-only history with the
time of each step, so a past month is answered as it happened.

"Late" = an execution still PUSHED or ACKNOWLEDGED (no feedback yet) whose feedback deadline, computed
from its push date by the rule in force (``deadlines.rules``), had passed at the cut-off: the
month's last day, or today for the current month. It is counted from the executions' current state,
so for a past month it names those still open today.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter

from django.db.models import BigIntegerField, Case, Count, Exists, OuterRef, Subquery, When
from django.db.models.functions import Cast
from django.utils import timezone

from cases.audit.models import AuditEvent
from cases.models import MeasureExecution, MeasureImplementer, ProcedureRule, Unit
from deadlines.calendar import CalendarDataMissing, is_overdue
from deadlines.countdown import CountdownClock
from deadlines.rules import compute_for_rule, find_rule

from .scope import supervises, supervised_units

X = MeasureExecution.State
EXECUTION_TYPE = "cases.measureexecution"
# Audit action of each transition → the report's column.
TRANSITION_COLUMNS = {
    "execution.acknowledge": "acknowledged",
    "execution.apply": "applied",
    "execution.not_apply": "not_applied",
    "execution.suspend": "suspended",
    "execution.lift": "lift_pending",
    "execution.confirm_lift": "lifted",
}
COLUMNS = ["pushed", *TRANSITION_COLUMNS.values(), "open", "late"]


def _month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class _FeedbackDue:
    """Feedback deadlines by (list type, region, push date), with one rule lookup per stretch of
    dates over which the rule rows do not change (find_rule picks the row in force on a date)."""

    def __init__(self):
        rows = ProcedureRule.objects.filter(case_type=ProcedureRule.CaseType.MEASURE, step="feedback")
        self._breaks = sorted({d for r in rows.values_list("effective_from", "effective_to") for d in r if d})
        self._rules: dict = {}
        self._dues: dict = {}

    def rule(self, list_type: str, region: str, on: dt.date) -> ProcedureRule:
        key = (list_type, region, bisect.bisect_right(self._breaks, on))
        if key not in self._rules:
            self._rules[key] = find_rule(ProcedureRule.CaseType.MEASURE, "feedback",
                                         regime_candidates=(list_type, region, ProcedureRule.DEFAULT_REGIME),
                                         on_date=on)
        return self._rules[key]

    def is_late(self, list_type: str, region: str, pushed_on: dt.date,
                cutoff: dt.date) -> tuple[bool, dt.date | None, str]:
        """(late at the cut-off, the feedback deadline, the unit of the rule's period)."""
        if pushed_on >= cutoff:
            return False, None, ""  # a deadline never falls before its trigger day
        rule = self.rule(list_type, region, pushed_on)
        key = (rule.pk, pushed_on)
        if key not in self._dues:
            try:
                self._dues[key] = compute_for_rule(rule, start=pushed_on).due
            except CalendarDataMissing as missing:
                # The deadline lies in a year with no holiday data yet. If that year is after the
                # cut-off, so is the deadline: not late (yet). Otherwise fail loudly (docs/deadlines.md).
                if missing.year <= cutoff.year:
                    raise
                self._dues[key] = None
        due = self._dues[key]
        return (due is not None and is_overdue(due, cutoff)), due, rule.period_unit


def _report_units(user) -> list[Unit]:
    scope = supervised_units(user=user)
    if supervises(user.staff):
        # Supervisors see the implementing units of their region (those with a measure or an execution).
        scope = scope.filter(
            Exists(MeasureImplementer.objects.filter(unit=OuterRef("pk")))
            | Exists(MeasureExecution.objects.filter(unit=OuterRef("pk")))
        )
    return list(scope.select_related("region").order_by("region__code", "code"))


_DETAIL_FIELDS = ("unit_id", "entry_id", "entry__subject__identifier", "entry__subject__name",
                  "entry__list_type__code", "measure__code", "measure__title")


def _detail(d: dict, unit_by_id: dict) -> dict:
    unit = unit_by_id[d["unit_id"]]
    return {
        "unit": unit.code, "unit_name": unit.name, "entry": d["entry_id"],
        "subject": {"identifier": d["entry__subject__identifier"], "name": d["entry__subject__name"]},
        "list_type": d["entry__list_type__code"], "measure": d["measure__code"], "title": d["measure__title"],
    }


def feedback_report(*, user, month: dt.date, today: dt.date | None = None) -> dict:
    """The month's feedback report over the units ``user`` may read (``supervised_units``)."""
    today = today or timezone.localdate()
    first, following = _month_bounds(month)
    start, end = _local_midnight(first), _local_midnight(following)
    cutoff = min(today, following - dt.timedelta(days=1))
    units = _report_units(user)
    unit_ids = [u.pk for u in units]
    unit_by_id = {u.pk: u for u in units}
    rows = {u.pk: {"unit": {"code": u.code, "name": u.name, "region": u.region.code},
                   **{c: 0 for c in COLUMNS}, "not_applied_reasons": []} for u in units}

    for r in (MeasureExecution.objects.filter(unit_id__in=unit_ids, created_at__gte=start, created_at__lt=end)
              .values("unit_id").annotate(n=Count("id")).order_by()):
        rows[r["unit_id"]]["pushed"] = r["n"]

    # The month's transitions, from the executions' audit chains.
    events = (
        AuditEvent.objects.filter(object_type=EXECUTION_TYPE, action__in=TRANSITION_COLUMNS,
                                  occurred_at__gte=start, occurred_at__lt=end)
        # object_id is text (any audited object); cast only the executions' ids.
        .annotate(execution_id=Case(When(object_type=EXECUTION_TYPE, then=Cast("object_id", BigIntegerField()))))
        .annotate(unit_id=Subquery(MeasureExecution.objects.filter(pk=OuterRef("execution_id")).values("unit_id")[:1]))
        .filter(unit_id__in=unit_ids)
    )
    for r in events.values("unit_id", "action").annotate(n=Count("execution_id", distinct=True)).order_by():
        rows[r["unit_id"]][TRANSITION_COLUMNS[r["action"]]] = r["n"]
    reasons = (events.filter(action="execution.not_apply").values("unit_id", "reason")
               .annotate(n=Count("id")).order_by("unit_id", "-n", "reason"))
    for r in reasons:
        rows[r["unit_id"]]["not_applied_reasons"].append({"reason": r["reason"], "count": r["n"]})

    # Who applied what.
    applied_events = list(events.filter(action="execution.apply").order_by("occurred_at")
                          .values("execution_id", "actor_name", "actor__first_name", "occurred_at"))
    details = {
        d["id"]: d for d in MeasureExecution.objects.filter(pk__in=[e["execution_id"] for e in applied_events])
        .values("id", *_DETAIL_FIELDS, "applied_at", "applied_note", "measure__mandatory")
    }
    applied = []
    for e in applied_events:
        d = details[e["execution_id"]]
        applied.append({
            **_detail(d, unit_by_id), "mandatory": d["measure__mandatory"], "applied_at": d["applied_at"],
            "note": d["applied_note"], "applied_by": e["actor_name"], "applied_by_name": e["actor__first_name"],
            "recorded_at": e["occurred_at"],
        })

    # Who is late: executions without feedback past the feedback deadline at the cut-off.
    dues = _FeedbackDue()
    clock = CountdownClock(cutoff)  # how late, as of the cut-off
    late = []
    open_rows = (
        MeasureExecution.objects.filter(unit_id__in=unit_ids, state__in=[X.PUSHED, X.ACKNOWLEDGED], created_at__lt=end)
        .values("id", *_DETAIL_FIELDS, "state", "created_at")
        .order_by("unit__code", "created_at", "id")
    )
    counts: Counter = Counter()
    for d in open_rows.iterator(chunk_size=2000):
        unit = unit_by_id[d["unit_id"]]
        rows[unit.pk]["open"] += 1
        pushed_on = timezone.localdate(d["created_at"])
        is_late, due, period_unit = dues.is_late(d["entry__list_type__code"], unit.region.code, pushed_on, cutoff)
        if not is_late:
            continue
        counts[unit.pk] += 1
        late.append({**_detail(d, unit_by_id), "state": d["state"], "pushed_on": pushed_on, "feedback_due": due,
                     "countdown": clock(due=due, unit=period_unit).as_dict()})
    for unit_id, n in counts.items():
        rows[unit_id]["late"] = n

    return {
        "month": first.strftime("%Y-%m"),
        "period": {"start": first, "end": following - dt.timedelta(days=1)},
        "cutoff": cutoff,
        "units": [rows[u.pk] for u in units],
        "applied": applied,
        "late": late,
    }


