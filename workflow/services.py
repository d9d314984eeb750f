"""Writes on tasks: open (with the deadline), claim, release, reassign, complete, pause, cancel.

Every operation on a task takes the flow's lock first (``select_for_update`` on the process row,
the flows' ``lock_impl``) and then re-reads the task, so two officers acting on one task, or a
beat sweep firing while an officer acts, leave one consistent result; the loser gets ``Conflict``
(HTTP 409). The business rules of each step live in the services its node calls.
"""

from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cases.audit.services import acting_for, audit_record
from cases.errors import Conflict, Forbidden, NotFound, ValidationFailed
from cases.locking import for_update
from cases.models import StaffProfile
from cases.selectors.scope import staff_of
from cases.services.access import ACTING_ROLES, require_staff
from deadlines.calendar import (
    CalendarDataMissing, DeadlineComputation, DeadlineInputError, Pause, compute_deadline,
)
from deadlines.rules import ProcedureRuleMissing, current_calendar, find_rule
from workflow.bulk import insert_rows
from workflow.models import Substitution, WorkItem
from workflow.models.work import OPEN

REMINDER_STEPS = ("reminder_1", "reminder_2")


# --- opening a task -----------------------------------------------------------------------------

def working_days_before(day: dt.date, n: int) -> dt.date:
    calendar = current_calendar()
    counted = 0
    while counted < n:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return day


def reminder_dates(case_type: str, due: dt.date | None, *, regimes=("default",)) -> list[dict]:
    """Reminders before a deadline, as rule rows (e.g. OBJECTION/reminder_1: 3 working days before)."""
    if due is None:
        return []
    plan = []
    for step in REMINDER_STEPS:
        try:
            rule = find_rule(case_type, step, regime_candidates=regimes, on_date=due)
            plan.append({"step": step, "on": working_days_before(due, rule.amount).isoformat()})
        except (ProcedureRuleMissing, CalendarDataMissing):
            continue
    return sorted(plan, key=lambda r: r["on"])


def next_reminder(work: WorkItem) -> dt.date | None:
    sent = {r["step"] for r in work.reminders_sent}
    pending = [r for r in reminder_dates(work.case_type, work.due) if r["step"] not in sent]
    return dt.date.fromisoformat(pending[0]["on"]) if pending else None


def _subject_of(case):
    if hasattr(case, "subject"):
        return case.subject
    entry = getattr(case, "entry", None)
    return entry.subject if entry is not None else None


def work_item_open(*, node, task, case) -> WorkItem:
    """Called by a UnitTask when viewflow creates its task: route it, date it, log it."""
    unit = node.unit_for(case)
    computation = node.due_for(case)
    subject = _subject_of(case)
    work = WorkItem(
        task=task, unit=unit, case_type=node.case_type, step=node.step,
        object_type=case._meta.label_lower, object_id=case.pk, subject=subject,
        title=f"{node.task_title} · {subject.name if subject else case}"[:255],
        leader_only=node.leader_only,
        due=computation.due if computation else None,
        due_unit=computation.unit if computation else "",
        due_computation=computation.as_dict() if computation else {},
    )
    work.remind_on = next_reminder(work)
    work.save()
    audit_record(
        action="task.open", chain=work.chain, object_type=work.object_type, object_id=work.object_id,
        actor=None, changes={"step": [None, work.step], "unit": [None, unit.code], "due": [None, work.due],
                             "task": [None, task.pk]},
    )
    return work


# --- who may act --------------------------------------------------------------------------------

def act_refusal(user, work: WorkItem, *, task: Task | None = None, step: bool = True) -> Forbidden | None:
    """Whether ``user`` may act on the task of ``work``, the one rule every door asks (the services
    below, the API before it reads a body, the task page's buttons, a reassignment's assignee): an
    officer or leader of the unit the task is routed to (with ``task``: holding its routing
    permission too); a leader-only step (a decision) needs a leader, unless ``step`` is False (a
    claim, a release, a reassignment is not the step itself). None when they may, else the
    refusal to raise. Reading a task is ``cases.selectors.scope.tasks_readable``."""
    staff = staff_of(user)
    if staff is None:
        return Forbidden(_("Only staff of a unit may do this."), code="not_staff")
    if (staff.role not in ACTING_ROLES or staff.unit_id != work.unit_id
            or (task is not None and not user.has_perm(task.owner_permission))):
        return Forbidden(_("This task belongs to another unit."), code="wrong_unit")
    if step and work.leader_only and staff.role != StaffProfile.Role.LEADER:
        return Forbidden(_("A unit leader must do this step."), code="leader_required")
    return None


def may_act(actor, task: Task, work: WorkItem, *, step: bool = True) -> StaffProfile:
    """``act_refusal``'s answer raised: the actor's staff profile, or Forbidden."""
    refusal = act_refusal(actor, work, task=task, step=step)
    if refusal is not None:
        raise refusal
    return staff_of(actor)


@contextmanager
def _locked(task_id: int):
    """The flow lock on the task's process, then the task and its work item re-read under it."""
    found = Task.objects.filter(pk=task_id).only("pk", "process_id", "flow_task").first()
    if found is None:
        raise NotFound(_("No such task."), code="task_not_found")
    with found.flow_task.flow_class.lock(found.process_id):
        task = Task.objects.select_related("process", "owner").get(pk=task_id)
        work = for_update(WorkItem.objects).filter(pk=task_id).first()
        if work is None:  # a flow's own node (start, end, a function), not a step anybody works on
            raise NotFound(_("No such task."), code="task_not_found")
        yield task, work


def _require_open(task: Task) -> None:
    if task.status not in OPEN:
        raise Conflict(_("This task has already been completed or cancelled."), code="task_closed",
                       extra={"status": task.status})


def _activation(task: Task):
    return task.flow_task.activation_class(task)


def task_claim(*, actor, task_id: int) -> Task:
    with _locked(task_id) as (task, work):
        may_act(actor, task, work)
        _require_open(task)
        if task.owner_id == actor.pk:
            return task
        if task.owner_id is not None:
            raise Conflict(_("Another officer has claimed this task."), code="task_claimed",
                           extra={"owner": task.owner.get_username()})
        _activation(task).assign(actor)
        task.assigned = timezone.now()
        task.save(update_fields=["assigned"])
        audit_record(action="task.claim", chain=work.chain, object_type=work.object_type,
                     object_id=work.object_id, actor=actor, changes={"task": [None, task.pk], "step": [None, work.step]})
        return task


def task_release(*, actor, task_id: int) -> Task:
    with _locked(task_id) as (task, work):
        staff = may_act(actor, task, work)
        _require_open(task)
        if task.owner_id is None:
            return task
        acting = substitution_for(actor, task.owner) if task.owner_id != actor.pk else None
        if task.owner_id != actor.pk and acting is None and staff.role != StaffProfile.Role.LEADER:
            raise Forbidden(_("Only the officer who claimed the task or a leader may release it."),
                            code="not_task_owner")
        previous = task.owner.get_username()
        if task.status == STATUS.STARTED:
            task.status = STATUS.ASSIGNED
        _activation(task).unassign()
        audit_record(action="task.release", chain=work.chain, object_type=work.object_type,
                     object_id=work.object_id, actor=actor, on_behalf_of=acting.absent if acting else None,
                     changes={"owner": [previous, None], "task": [None, task.pk]})
        return task


def task_reassign(*, actor, task_id: int, assignee) -> Task:
    """A leader gives a task to another officer of the same unit."""
    with _locked(task_id) as (task, work):
        staff = may_act(actor, task, work)
        _require_open(task)
        if staff.role != StaffProfile.Role.LEADER:
            raise Forbidden(_("Only a unit leader may reassign tasks."), code="leader_required")
        if not assignee.is_active or act_refusal(assignee, work) is not None:
            raise ValidationFailed(fields={"assignee": [("not_in_unit", _("The assignee must be an officer of this unit who may do this step."))]})
        previous = task.owner.get_username() if task.owner_id else None
        task.owner = assignee
        task.status = STATUS.ASSIGNED
        task.assigned = timezone.now()
        task.save(update_fields=["owner", "status", "assigned"])
        audit_record(action="task.reassign", chain=work.chain, object_type=work.object_type,
                     object_id=work.object_id, actor=actor,
                     changes={"owner": [previous, assignee.get_username()], "task": [None, task.pk]})
        return task


def task_reassign_many(*, actor, task_ids, assignee) -> list[Task]:
    """A leader hands several tasks to one officer at once: all of them or none (a task someone
    completed meanwhile makes the whole batch a 409 naming it). Locks are taken in task order."""
    ids = sorted({int(i) for i in task_ids})
    if not ids:
        raise ValidationFailed(fields={"tasks": [("required", _("Choose at least one task."))]})
    done = []
    with transaction.atomic():
        for task_id in ids:
            try:
                done.append(task_reassign(actor=actor, task_id=task_id, assignee=assignee))
            except Conflict as exc:
                raise Conflict(_("Task %(task)s was completed or cancelled meanwhile; nothing was reassigned.")
                               % {"task": task_id}, code=exc.code, extra={"task": task_id}) from exc
    return done


def task_complete(*, actor, task_id: int, data: dict) -> Task:
    """Complete a step with its form data: the node's service runs, the task closes and the flow
    moves on, all in one transaction under the flow lock. An unclaimed task is claimed by the
    actor in the same call (claim-and-complete, the task page's one primary action): of two officers
    pressing it at once, the second finds the task closed under the lock and gets ``Conflict``.
    Letters the step issues are numbered here and rendered and signed by the worker after commit
    (``letters.services.letter_issue``), so the step answers without waiting for them."""
    with _locked(task_id) as (task, work):
        may_act(actor, task, work)
        _require_open(task)
        acting = None
        if task.owner_id is not None and task.owner_id != actor.pk:
            # A substitute (代理) completes the absent officer's task on their behalf.
            acting = substitution_for(actor, task.owner)
            if acting is None:
                raise Conflict(_("Another officer has claimed this task."), code="task_claimed",
                               extra={"owner": task.owner.get_username()})
        if work.paused_at is not None:
            raise Conflict(_("This task is paused while the case waits (e.g. an objection is being verified)."),
                           code="task_paused")
        node = task.flow_task
        cleaned = _clean(node, data)
        activation = _activation(task)
        if task.status == STATUS.NEW:
            activation.assign(actor)
            task.assigned = timezone.now()
        if task.status == STATUS.ASSIGNED:
            activation.start(None)
        # Closed before the step's service runs, so that a service ending the case (a withdrawal)
        # does not try to cancel the very task being completed.
        today = timezone.localdate()
        work.is_open = False
        work.completed_at = timezone.now()
        work.completed_by = actor
        work.remind_on = None
        work.save()
        with acting_for(acting.absent if acting else None):
            node.perform(activation, actor, cleaned)
            audit_record(action="task.complete", chain=work.chain, object_type=work.object_type,
                         object_id=work.object_id, actor=actor,
                         changes={"task": [None, task.pk], "step": [None, work.step],
                                  "on_time": [None, work.due is None or today <= work.due]})
            activation.execute()
        return task


def _clean(node, data: dict) -> dict:
    if node.form_class is None:
        return {}
    form = node.form_class(data=data or {})
    if not form.is_valid():
        fields = {
            name: [(getattr(e, "code", "invalid"), str(e)) for e in errors]
            for name, errors in form.errors.items()
        }
        raise ValidationFailed(fields=fields)
    return dict(form.validated_data)


# --- tasks that follow the case's state (called from services, inside their transaction) -------

def _open_items(case):
    return for_update(WorkItem.objects).filter(
        object_type=case._meta.label_lower, object_id=case.pk, is_open=True
    )


def case_tasks_pause(case, *, actor=None, reason: str = "") -> int:
    now = timezone.now()
    count = 0
    for work in _open_items(case).filter(paused_at__isnull=True):
        work.paused_at = now
        work.save(update_fields=["paused_at"])
        count += 1
    if count:
        audit_record(action="task.pause", obj=case, actor=actor, reason=reason, changes={"tasks": [None, count]})
    return count


def case_tasks_resume(case, *, actor=None, reason: str = "") -> int:
    """The case goes on: its paused tasks resume with the time they had left. The pause (from the
    day the clock stopped to today, 民法典 art. 201) joins the task's stored computation, so the due
    date moves by the paused days in the deadline's own unit, as the objection's own clock does.
    A task already past its deadline when it was paused keeps its date (a run period is not paused)."""
    count = 0
    today = timezone.localdate()
    for work in _open_items(case).filter(paused_at__isnull=False):
        before = work.due
        stored = work.due_computation or {}
        if stored.get("start") and work.due is not None:
            old = DeadlineComputation.from_dict(stored)
            try:
                new = compute_deadline(start=old.start, amount=old.amount, unit=old.unit, calendar=current_calendar(),
                                       pauses=(*old.pauses, Pause(timezone.localdate(work.paused_at), today)),
                                       extension=old.extension, rule_ref=old.rule_ref, not_before=old.not_before)
                work.due, work.due_computation = new.due, new.as_dict()
                if new.due != before:
                    work.reminders_sent = []
                    work.remind_on = next_reminder(work)
            except DeadlineInputError:
                pass
        work.paused_at = None
        work.save(update_fields=["paused_at", "due", "due_computation", "reminders_sent", "remind_on"])
        count += 1
    if count:
        audit_record(action="task.resume", obj=case, actor=actor, reason=reason, changes={"tasks": [None, count]})
    return count


def case_tasks_cancel(case, *, actor=None, reason: str = "") -> int:
    """The case ended outside its flow (withdrawn, removed): its open tasks are cancelled through
    viewflow, each under its process lock, and a process left with no active task is closed.
    Nothing is deleted."""
    from viewflow.workflow.status import PROCESS

    items = list(_open_items(case).select_related("task__process"))
    for work in items:
        task = work.task
        with task.flow_task.flow_class.lock(task.process_id):
            task.refresh_from_db()
            if task.status in (STATUS.NEW, STATUS.ASSIGNED):
                _activation(task).cancel()
            process = task.process
            if not process.task_set.filter(status__in=OPEN).exists() and process.status == PROCESS.NEW:
                process.status = PROCESS.CANCELED
                process.finished = timezone.now()
                process.save(update_fields=["status", "finished"])
        work.is_open = False
        work.remind_on = None
        work.save(update_fields=["is_open", "remind_on"])
    if items:
        audit_record(action="task.cancel", obj=case, actor=actor, reason=reason,
                     changes={"tasks": [None, [w.task_id for w in items]]})
    return len(items)


def case_tasks_cancel_many(object_type: str, object_ids, *, now=None) -> dict[int, list[int]]:
    """``case_tasks_cancel`` for many cases of one type at once, in a few statements (the expiry
    night, docs/performance.md): the flow locks of every process concerned, in id order as one
    statement (the order officers' completions take them in: process, then work item), then the
    open work items re-read under them; NEW and ASSIGNED tasks are cancelled as viewflow's
    ``cancel`` does (status, finished), a process left with no open task is closed, the work items
    close. Nothing is deleted. No audit here: the caller's event names the tasks.
    Returns {case id: [cancelled task ids]}."""
    from viewflow.workflow.models import Process
    from viewflow.workflow.status import PROCESS

    ids = list(object_ids)
    if not ids:
        return {}
    candidates = WorkItem.objects.filter(object_type=object_type, object_id__in=ids, is_open=True)
    process_ids = sorted(set(candidates.values_list("task__process_id", flat=True)))
    if not process_ids:
        return {}
    list(for_update(Process.objects).filter(pk__in=process_ids).order_by("pk").values_list("pk", flat=True))
    items = list(for_update(WorkItem.objects).filter(object_type=object_type, object_id__in=ids, is_open=True)
                 .order_by("task_id").values_list("task_id", "object_id"))
    task_ids = [t for t, _ in items]
    now = now or timezone.now()
    Task.objects.filter(pk__in=task_ids, status__in=(STATUS.NEW, STATUS.ASSIGNED)).update(
        status=STATUS.CANCELED, finished=now)
    still_open = Task.objects.filter(process_id=OuterRef("pk"), status__in=OPEN)
    Process.objects.filter(pk__in=process_ids, status=PROCESS.NEW).exclude(Exists(still_open)).update(
        status=PROCESS.CANCELED, finished=now)
    WorkItem.objects.filter(pk__in=task_ids).update(is_open=False, remind_on=None)
    cancelled: dict[int, list[int]] = {}
    for task_id, object_id in items:
        cancelled.setdefault(object_id, []).append(task_id)
    return cancelled


def work_items_open_many(*, node, tasks_and_cases, unit_of, subject_of) -> list[int]:
    """``work_item_open`` for many tasks of one node created in bulk (``CaseFlow.start_many``): the
    same rows, and one ``task.open_many`` event for the lot (its own chain, ``workflow.taskbatch:<first
    task>``) naming each unit's tasks, which the notifications hear as one message per unit instead
    of one per task (docs/workflow.md). ``tasks_and_cases``: (task id, case). Returns the task ids."""
    columns = {"task_id": "bigint", "unit_id": "bigint", "case_type": "varchar", "step": "varchar",
               "object_type": "varchar", "object_id": "bigint", "subject_id": "bigint", "title": "varchar",
               "leader_only": "boolean", "due": "date", "due_unit": "varchar", "due_computation": "jsonb",
               "is_open": "boolean", "remind_on": "date", "reminders_sent": "jsonb", "created_at": "timestamptz"}
    now = timezone.now()
    title = str(node.task_title)
    rows, by_unit = [], {}
    for task_id, case in tasks_and_cases:
        unit, subject = unit_of(case), subject_of(case)
        computation = node.due_for(case)
        due = computation.due if computation else None
        # Reminders are planned from the due date, as work_item_open plans them; no date, no reminder.
        remind_on = next_reminder(WorkItem(case_type=node.case_type, due=due)) if due else None
        rows.append([task_id, unit.pk, node.case_type, node.step, case._meta.label_lower, case.pk,
                     subject.pk if subject else None, f"{title} · {subject.name if subject else case}"[:255],
                     node.leader_only, due, computation.unit if computation else "",
                     json.dumps(computation.as_dict() if computation else {}, cls=DjangoJSONEncoder), True,
                     remind_on, "[]", now])
        by_unit.setdefault(unit.pk, []).append(task_id)
    if not rows:
        return []
    insert_rows(WorkItem._meta.db_table, list(columns), list(columns.values()), [list(c) for c in zip(*rows)])
    first = rows[0][0]
    audit_record(action="task.open_many", chain=f"workflow.taskbatch:{first}", object_type="workflow.taskbatch",
                 object_id=first, actor=None,
                 changes={"case_type": [None, node.case_type], "step": [None, node.step], "title": [None, title],
                          "tasks": [None, [[unit_id, tasks] for unit_id, tasks in sorted(by_unit.items())]]})
    return [row[0] for row in rows]


def case_tasks_redate(case, *, steps, computation, actor=None, reason: str = "") -> int:
    """A case's deadline was recomputed (a pause ended, an extension was granted): its open tasks
    of ``steps`` carry the new due date and computation, and reminders are planned again."""
    count = 0
    for work in _open_items(case).filter(step__in=steps):
        before = work.due
        work.due, work.due_unit, work.due_computation = computation.due, computation.unit, computation.as_dict()
        work.reminders_sent = [r for r in work.reminders_sent if computation.due is None]
        work.remind_on = next_reminder(work)
        work.save(update_fields=["due", "due_unit", "due_computation", "reminders_sent", "remind_on"])
        audit_record(action="task.redate", chain=work.chain, object_type=work.object_type, object_id=work.object_id,
                     actor=actor, reason=reason, changes={"task": [None, work.task_id], "due": [before, work.due]})
        count += 1
    return count


# --- substitutes (代理) --------------------------------------------------------------------------

def substitution_for(actor, absent, *, day: dt.date | None = None) -> Substitution | None:
    """The substitution, valid ``day`` (today), that lets ``actor`` act for ``absent``."""
    if actor is None or absent is None or actor.pk == absent.pk:
        return None
    return Substitution.objects.valid_on(day).filter(absent=absent, substitute=actor).select_related("absent").first()


_RANK = {StaffProfile.Role.OFFICER: 1, StaffProfile.Role.LEADER: 2}


@transaction.atomic
def substitution_designate(*, actor, absent, substitute, starts_on: dt.date, ends_on: dt.date,
                           reason: str) -> Substitution:
    """A unit leader names a colleague who stands in for an absent officer (AB角) from ``starts_on``
    to ``ends_on`` inclusive. Both must be acting staff of the leader's unit; the substitute holds
    at least the absent person's role (a leader's decisions need a leader); one substitute per
    absent person at a time; the window cannot lie in the past."""
    leader = require_staff(actor)
    if leader.role != StaffProfile.Role.LEADER:
        raise Forbidden(_("Only a unit leader may designate a substitute."), code="leader_required")
    errors: dict = {}
    absent_staff = staff_of(absent)
    sub_staff = staff_of(substitute)
    if absent_staff is None or absent_staff.unit_id != leader.unit_id or absent_staff.role not in ACTING_ROLES:
        errors["absent"] = [("not_in_unit", _("Choose an officer of your unit."))]
    if sub_staff is None or sub_staff.unit_id != leader.unit_id or sub_staff.role not in ACTING_ROLES \
            or not substitute.is_active:
        errors["substitute"] = [("not_in_unit", _("Choose an officer of your unit."))]
    elif absent is not None and substitute.pk == absent.pk:
        errors["substitute"] = [("same_person", _("An officer cannot substitute for themselves."))]
    elif absent_staff is not None and _RANK.get(sub_staff.role, 0) < _RANK.get(absent_staff.role, 0):
        errors["substitute"] = [("rank", _("A leader's substitute must be a leader too."))]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [("required", _("Give the reason for the absence."))]
    if starts_on is None:
        errors["starts_on"] = [("required", _("Give the first day."))]
    if ends_on is None:
        errors["ends_on"] = [("required", _("Give the last day."))]
    elif starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = [("before_start", _("The last day cannot be before the first day."))]
    elif ends_on < timezone.localdate():
        errors["ends_on"] = [("in_the_past", _("The window has already ended."))]
    if errors:
        raise ValidationFailed(fields=errors)
    # Serialise designations for one absent person, then refuse an overlapping window.
    for_update(StaffProfile.objects).filter(pk=absent_staff.pk).first()
    overlapping = Substitution.objects.filter(absent=absent, ended_at__isnull=True, starts_on__lte=ends_on,
                                              ends_on__gte=starts_on).first()
    if overlapping is not None:
        raise ValidationFailed(fields={"starts_on": [("overlap", _(
            "%(name)s already has a substitute from %(start)s to %(end)s.") % {
            "name": absent.get_full_name() or absent.get_username(), "start": overlapping.starts_on,
            "end": overlapping.ends_on})]})
    substitution = Substitution.objects.create(unit=leader.unit, absent=absent, substitute=substitute,
                                               starts_on=starts_on, ends_on=ends_on, reason=reason, created_by=actor)
    audit_record(action="substitution.designate", obj=substitution, actor=actor, reason=reason,
                 changes={"absent": [None, absent.get_username()], "substitute": [None, substitute.get_username()],
                          "starts_on": [None, starts_on], "ends_on": [None, ends_on]})
    return substitution


@transaction.atomic
def substitution_end(*, actor, substitution_id: int) -> Substitution:
    """A unit leader ends a substitution early (the officer is back)."""
    leader = require_staff(actor)
    substitution = for_update(Substitution.objects).filter(pk=substitution_id).first()
    if substitution is None or substitution.unit_id != leader.unit_id:
        raise NotFound(_("No such substitute."), code="substitution_not_found")
    if leader.role != StaffProfile.Role.LEADER:
        raise Forbidden(_("Only a unit leader may end a substitution."), code="leader_required")
    if substitution.ended_at is not None:
        raise Conflict(_("This substitution has already ended."), code="substitution_ended")
    substitution.ended_at, substitution.ended_by = timezone.now(), actor
    substitution.save(update_fields=["ended_at", "ended_by"])
    audit_record(action="substitution.end", obj=substitution, actor=actor,
                 changes={"ended_at": [None, substitution.ended_at]})
    return substitution
