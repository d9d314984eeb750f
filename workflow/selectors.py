"""Reads of tasks, scoped to who asks.

- An officer or leader sees the open tasks routed to their unit (viewflow ``owner_permission`` =
  ``Unit.permission_name``; partial index ``workflow_task_owner_perm_open``) and can open any task,
  open or closed, of their unit.
- The credit lead office (牵头部门) sees the tasks escalated to it.
- Auditors read any task of a unit within their scope region: by id, and as the list
  (``/api/v1/tasks/``: the open tasks of every unit they supervise); they act on none.
Everyone else gets nothing: another unit's task is ``Forbidden`` when asked for by id. The same
rule (``_readable``) picks the open tasks an entry's detail lists (``open_tasks_of_entry``).
"""

from __future__ import annotations

import datetime as dt
import functools

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task

from cases.errors import Forbidden, NotFound
from cases.identifiers import normalise
from cases.models import ListEntry, MeasureExecution, ObjectionCase, RepairCase, RestorationTask
from cases.selectors.names import name_contains
from cases.selectors.scope import staff_of, tasks_readable, units_readable
from workflow.models.work import work_countdown

# Each ends with the task's id, so ties (same due date, same moment) keep one order from page to
# page. The id is the work item's too (WorkItem.task is its primary key), so the partial index
# work_open_by_unit_due (unit, due, task) WHERE is_open serves "due" to the last key: the first page
# of a 100,000-task queue reads 50 index entries, not every task of the first due date.
ORDERINGS = {
    "due": (F("work__due").asc(nulls_last=True), "id"),
    "-due": (F("work__due").desc(nulls_first=True), "-id"),
    "created": ("created", "id"),
    "-created": ("-created", "-id"),
}


# What a row of a task list shows (the API's list, the workspace queue, an entry's open tasks), read
# as plain values: no model instances and no viewflow flow reference resolved per row (issue 21 item 3).
ROW_FIELDS = (
    "id", "status", "created", "owner_id", "owner__username", "owner__first_name", "owner__last_name",
    "work__case_type", "work__step", "work__title", "work__object_type", "work__object_id", "work__unit_id",
    "work__unit__code", "work__unit__name", "work__subject_id", "work__subject__name", "work__subject__identifier",
    "work__leader_only", "work__due", "work__due_unit", "work__due_computation__provisional", "work__is_open",
    "work__paused_at", "work__escalated_at", "work__escalated_to__code", "work__reminders_sent", "work__completed_at",
)


@functools.cache
def _row_base() -> QuerySet[dict]:
    # The projection's joins are set up once per process (~1 ms a request otherwise); each list
    # clones it (``.all()``) before filtering, so this queryset itself is never evaluated.
    return Task.objects.values(*ROW_FIELDS)


def _tasks(rows: bool, *related: str) -> QuerySet:
    """Where a list starts: ``ROW_FIELDS`` dicts (``rows``) or Tasks with their work item and ``related``."""
    return _row_base().all() if rows else Task.objects.select_related("work", *related)


def task_queue(
    *,
    user,
    case_type: str = "",
    step: str = "",
    due_before: dt.date | None = None,
    due_after: dt.date | None = None,
    overdue: bool | None = None,
    paused: bool | None = None,
    assignee: str = "",
    search: str = "",
    case: tuple[str, int] | None = None,
    ordering: str = "due",
    today: dt.date | None = None,
    rows: bool = False,
) -> QuerySet[Task]:
    """The open tasks of the user's unit; for an auditor, the open tasks of every unit they
    supervise (what ``task_for`` lets them open: auditors read everything in scope and act on
    nothing). ``assignee`` is ``me``, ``none`` or a username; ``case`` is (object type, id) as
    ``parse_case_ref`` reads it; ``rows``: as ``ROW_FIELDS`` dicts, for a list."""
    units = units_readable(staff_of(user), "work__unit")
    if units is None:
        return Task.objects.none()
    today = today or timezone.localdate()
    # Driven from the work item: the partial index work_open_by_unit_due (unit, due, task) WHERE is_open
    # returns the first page already in deadline order (bench/province.py: 2,000 open tasks per
    # unit). The routing permission is the same fact on viewflow's side (a task is routed to
    # exactly its WorkItem.unit's permission) and is what every action checks.
    qs = _tasks(rows, "work__subject", "work__unit", "work__escalated_to", "owner").filter(units, work__is_open=True)
    if case_type:
        qs = qs.filter(work__case_type=case_type)
    if step:
        qs = qs.filter(work__step=step)
    if case is not None:
        qs = qs.filter(work__object_type=case[0], work__object_id=case[1])
    if due_before:
        qs = qs.filter(work__due__lte=due_before)
    if due_after:
        qs = qs.filter(work__due__gte=due_after)
    # Overdue as the countdown says it (deadlines.countdown): past the due date with the clock running.
    if overdue is True:
        qs = qs.filter(work__due__lt=today, work__paused_at__isnull=True)
    elif overdue is False:
        qs = qs.filter(Q(work__due__gte=today) | Q(work__due__isnull=True) | Q(work__paused_at__isnull=False))
    if paused is not None:
        qs = qs.filter(work__paused_at__isnull=not paused)
    if assignee == "me":
        # My inbox: what I claimed, and what the colleagues I stand in for (代理) claimed.
        absent = absent_colleagues(user=user, today=today)
        qs = qs.filter(Q(owner=user) | Q(owner__in=absent)) if absent else qs.filter(owner=user)
    elif assignee == "none":
        qs = qs.filter(owner__isnull=True)
    elif assignee:
        qs = qs.filter(owner__username=assignee)
    search = (search or "").strip()
    if search:
        code = normalise(search)
        match = (Q(work__subject__identifier=code) | name_contains(search, field="work__subject__name")
                 | Q(work__title__contains=search))
        case = _case_by_number(search)
        if case is not None:  # a case number (YY-2026-000123): the work_by_case index
            match |= Q(work__object_type=case[0], work__object_id=case[1])
        qs = qs.filter(match)
    return qs.order_by(*ORDERINGS.get(ordering, ORDERINGS["due"]))


def task_row(task: Task) -> dict:
    """One task already loaded (with its work item), as the same dict as a list with ``rows=True`` gives."""
    def value(path: str):
        found = task
        for part in path.split("__"):
            found = found.get(part) if isinstance(found, dict) else getattr(found, part, None)
            if found is None:
                return None
        return found
    return {path: value(path) for path in ROW_FIELDS}


def row_countdown(row: dict, clock):
    """``WorkItem.countdown`` of a row (a ``deadlines.countdown.CountdownClock`` for the page)."""
    return work_countdown(clock, due=row["work__due"], due_unit=row["work__due_unit"],
                          paused_at=row["work__paused_at"], done=not row["work__is_open"])


CASE_KINDS = {"entry": "cases.listentry", "objection": "cases.objectioncase", "repair": "cases.repaircase",
              "execution": "cases.measureexecution"}


def parse_case_ref(text: str) -> tuple[str, int] | None:
    """``objection:12``, ``cases.objectioncase:12`` or a case number (YY-2026-000123) → (object type,
    id); None when it names no case."""
    text = (text or "").strip()
    kind, sep, pk = text.partition(":")
    if sep:
        object_type = CASE_KINDS.get(kind.lower(), kind.lower())
        if object_type in CASE_KINDS.values() and pk.isdigit():
            return object_type, int(pk)
        return None
    return _case_by_number(text)


def _case_by_number(text: str) -> tuple[str, int] | None:
    """An objection's or repair's case number (unique) → (object type, id)."""
    number = text.strip().upper()
    if len(number) < 6 or len(number) > 24:
        return None
    for model in (ObjectionCase, RepairCase):
        pk = model.objects.filter(number=number).values_list("pk", flat=True).first()
        if pk is not None:
            return model._meta.label_lower, pk
    return None


def absent_colleagues(*, user, today: dt.date | None = None) -> list[int]:
    """Ids of the users ``user`` stands in for today (valid substitutions)."""
    from workflow.models import Substitution

    if user is None or not user.is_authenticated:
        return []
    return list(Substitution.objects.valid_on(today).filter(substitute=user).values_list("absent_id", flat=True))


def escalated_tasks(*, user, rows: bool = False) -> QuerySet[Task]:
    """Open tasks escalated to the user's unit (the credit lead office) because they ran late."""
    staff = staff_of(user)
    if staff is None or not staff.unit.is_credit_lead_office:
        return Task.objects.none()
    return (
        _tasks(rows, "work__subject", "work__unit", "work__escalated_to", "owner")
        .filter(work__escalated_to=staff.unit, work__is_open=True)
        .order_by("work__due", "created")
    )


def _readable(staff) -> Q:
    """Who may read a task, the one rule of this module's reads by id or by case
    (``cases.selectors.scope.tasks_readable``): an officer or leader the tasks routed to their unit,
    any staff of the unit a task was escalated to, an auditor the tasks of every unit they supervise."""
    return tasks_readable(staff)


def task_for(*, user, task_id: int) -> Task:
    staff = staff_of(user)
    qs = Task.objects.select_related("work", "work__subject", "work__unit", "work__unit__region",
                                     "work__escalated_to", "owner").filter(pk=task_id, work__isnull=False)
    if staff is not None:  # the rule is asked in the same query as the task
        qs = qs.annotate(readable=ExpressionWrapper(_readable(staff), output_field=BooleanField()))
    task = qs.first()
    if task is None:
        raise NotFound(_("No such task."), code="task_not_found")
    if staff is not None and task.readable:
        return task
    raise Forbidden(_("This task belongs to another unit."), code="wrong_unit")


# What hangs off an entry and has tasks of its own (the measures loop, restorations, the cases on it).
ENTRY_PARTS = (MeasureExecution, RestorationTask, ObjectionCase, RepairCase)


def open_tasks_of_entry(*, user, entry: ListEntry, rows: bool = False) -> QuerySet[Task]:
    """The open tasks the user may read about one entry: its own listing steps, its measure
    executions (respond, feedback, lift), its restoration tasks and the objections and repairs
    filed on it; soonest due first."""
    staff = staff_of(user)
    if staff is None:
        return Task.objects.none()
    about = Q(work__object_type=ListEntry._meta.label_lower, work__object_id=entry.pk)
    for model in ENTRY_PARTS:  # each a lookup on the work_by_case index
        about |= Q(work__object_type=model._meta.label_lower,
                   work__object_id__in=model.objects.filter(entry=entry).values("pk"))
    return (
        _tasks(rows, "work__subject", "work__unit", "work__escalated_to", "owner")
        .filter(about, _readable(staff), work__is_open=True)
        .order_by(F("work__due").asc(nulls_last=True), "created")
    )


def tasks_of_case(*, case, user=None) -> QuerySet[Task]:
    """Every task of one case, oldest first; with ``user``, only those the user may read (``_readable``)."""
    qs = (
        Task.objects.filter(work__object_type=case._meta.label_lower, work__object_id=case.pk)
        .select_related("work", "work__unit", "owner")
        .order_by("created")
    )
    if user is not None:
        staff = staff_of(user)
        qs = qs.filter(_readable(staff)) if staff is not None else qs.none()
    return qs
