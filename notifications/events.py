"""From the audit trail to the outbox: every audited change that must leave the system becomes an
outbox event in the same transaction (registered with ``cases.audit.services.on_audit_event``).

Only the actions below are looked at; every other audit event returns at the first line, so the
listener costs nothing on the many writes that tell nobody.
"""

from __future__ import annotations

from django.utils import timezone

from cases.audit.external import anchor_record
from cases.models import ListEntry
from cases.presentation import deadline_after_acceptance
from deadlines.countdown import CountdownClock, countdown_json
from notifications import recipients
from notifications.services.inbox import task_notices_done
from notifications.services.outbox import outbox_emit, outbox_emit_many

ENTRY_ACTIONS = {
    "entry.decide": "entry.decided",
    "entry.publish": "entry.published",
    "entry.publish_red": "entry.published",
    "entry.suspend": "entry.suspended",
    "entry.resume": "entry.resumed",
    "entry.remove": "entry.removed",
    "entry.reinstate": "entry.reinstated",
    "entry.correct": "entry.corrected",
}
TASK_ACTIONS = {"task.open": "task.assigned", "task.remind": "task.deadline_near", "task.escalate": "task.escalated"}
# Entries removed together by the expiry night (docs/adr/0007): each entry is an ``entry.removed``.
REMOVAL_BATCH = "removal.batch"
# Tasks opened in bulk (the expiry night's lift confirmations): one message per unit and batch.
TASKS_OPENED = "task.open_many"
CASE_ACTIONS = {
    "objection.accept": "objection.accepted",
    "objection.request_supplement": "objection.supplement_requested",
    "objection.refuse": "objection.not_accepted",
    "objection.close": "objection.result",
    "objection.supplement_lapse": "objection.deemed_withdrawn",
    "repair.accept": "repair.accepted",
    "repair.request_supplement": "repair.supplement_requested",
    "repair.refuse": "repair.not_accepted",
    "repair.approve": "repair.result",
    "repair.reject": "repair.result",
    "repair.supplement_lapse": "repair.deemed_withdrawn",
}
# Holiday data changed and a case's open deadlines were recomputed (deadlines.recompute).
RECOMPUTE_ACTION = "deadline.recompute"
# Each audit anchor, to the platform (notifications.apps registers on_anchor).
ANCHOR_KIND = "audit.anchor"
# A task completed (``workflow.services.task_complete``) or its case's open tasks cancelled
# (``case_tasks_cancel``): the notices about those tasks are done.
TASKS_CLOSED = {"task.complete", "task.cancel"}
# What the listener is registered for (notifications.apps): writers skip it for any other action.
ACTIONS = (frozenset(ENTRY_ACTIONS) | frozenset(TASK_ACTIONS) | frozenset(CASE_ACTIONS)
           | {RECOMPUTE_ACTION, TASKS_OPENED, REMOVAL_BATCH} | TASKS_CLOSED)


def on_audit(event) -> None:
    action = event.action
    if action in ENTRY_ACTIONS:
        _entry_event(event, ENTRY_ACTIONS[action])
    elif action in TASK_ACTIONS:
        _task_event(event, TASK_ACTIONS[action])
    elif action in CASE_ACTIONS:
        _case_event(event, CASE_ACTIONS[action])
    elif action == RECOMPUTE_ACTION:
        _recompute_event(event)
    elif action == TASKS_OPENED:
        _tasks_opened_event(event)
    elif action == REMOVAL_BATCH:
        _removal_batch_event(event)
    elif action in TASKS_CLOSED:
        _tasks_closed_event(event)


def on_anchor(anchor) -> None:
    """Each audit anchor also goes to the platform, so a rewrite of the database's chains and anchors
    no longer matches what the platform holds (docs/adr/0006-audit-out-of-reach.md). Unordered (no
    subject): the anchors chain themselves through ``payload.prev``."""
    record = anchor_record(anchor)
    outbox_emit(kind=ANCHOR_KIND, source=f"anchor:{anchor.pk}", object_type="audit.auditanchor",
                object_id=anchor.pk, payload={"type": ANCHOR_KIND, "anchor": record, "occurred_at": anchor.created_at},
                to_platform=True)


def entry_payload(entry: ListEntry, *, kind: str, reason: str = "") -> dict:
    """What the platform is told about an entry: the subject, the list and the entry's state now."""
    subject = entry.subject
    return {
        "type": kind,
        "subject": {"identifier": subject.identifier, "identifier_type": subject.identifier_type,
                    "name": subject.name, "kind": subject.kind},
        "entry": {
            "id": entry.pk, "list_type": entry.list_type.code, "list_type_name": entry.list_type.name,
            "list_kind": entry.list_type.kind, "state": entry.state, "removal_reason": entry.removal_reason or "",
            "listing_unit": entry.listing_unit.code, "decision_date": entry.decision_date,
            "published_at": entry.published_at, "valid_until": entry.valid_until,
            "facts": entry.facts, "reasons": entry.reasons, "basis": entry.basis,
        },
        "reason": reason,
    }


def _entry_event(event, kind: str) -> None:
    entry = ListEntry.objects.select_related("subject", "list_type", "listing_unit").get(pk=event.object_id)
    payload = entry_payload(entry, kind=kind, reason=event.reason)
    payload["occurred_at"] = event.occurred_at
    outbox_emit(kind=kind, source=f"audit:{event.pk}", subject_key=entry.subject.identifier,
                object_type="cases.listentry", object_id=entry.pk, payload=payload, to_platform=True)


def _removal_batch_event(event) -> None:
    """Each entry of an expiry batch goes to the platform as ``entry.removed``, the payload
    ``_entry_event`` gives an entry removed on its own, written in two statements for the batch;
    and the notices about the measure tasks the batch cancelled are done, as ``task.cancel`` makes
    them for one case (the event names its columns: docs/adr/0007-expiry-batch-audit.md)."""
    changes = event.changes or {}
    rows = (changes.get("entries") or [None, []])[1] or []
    ids = [row[0] for row in rows]
    column = {name: i for i, name in enumerate((changes.get("columns") or [None, []])[1] or [])}
    cancelled = [task for row in rows for task in row[column["tasks_cancelled"]]] if "tasks_cancelled" in column else []
    if cancelled:
        executions = [execution for row in rows for execution, _state in row[column["lifted"]]]
        task_notices_done(object_type="cases.measureexecution", object_ids=executions, task_ids=cancelled,
                          when=event.occurred_at or timezone.now())
    entries = ListEntry.objects.select_related("subject", "list_type", "listing_unit").in_bulk(ids)
    kind = ENTRY_ACTIONS["entry.remove"]
    events = []
    for entry_id in ids:
        entry = entries[entry_id]
        payload = entry_payload(entry, kind=kind, reason=event.reason)
        payload["occurred_at"] = event.occurred_at
        events.append({"kind": kind, "source": f"audit:{event.pk}:{entry.pk}", "subject_key": entry.subject.identifier,
                       "object_type": "cases.listentry", "object_id": entry.pk, "payload": payload,
                       "to_platform": True})
    outbox_emit_many(events)


def _task_event(event, kind: str) -> None:
    from workflow.models import WorkItem

    task_id = (event.changes or {}).get("task", [None, None])[1]
    work = (WorkItem.objects.select_related("unit", "escalated_to", "subject").filter(pk=task_id).first()
            if task_id else None)
    if work is None:
        return
    units = [work.unit_id] + ([work.escalated_to_id] if kind == "task.escalated" and work.escalated_to_id else [])
    context = {"title": work.title, "unit": work.unit.name, "due": work.due.isoformat() if work.due else "",
               "office": work.escalated_to.name if work.escalated_to else "",
               # so the title reads in the reader's language when shown (notifications.messages)
               "case_type": work.case_type, "step": work.step}
    # The time left as of the event, kept as data and worded in the reader's language when shown.
    countdown = work.countdown(CountdownClock(timezone.localdate(event.occurred_at)))
    if countdown.shown:
        context["countdown"] = countdown_json(countdown)
    step = (event.changes or {}).get("reminder", [None, ""])[1] or ""
    outbox_emit(kind=kind, source=f"audit:{event.pk}", subject_key=work.subject.identifier if work.subject else "",
                object_type=work.object_type, object_id=work.object_id,
                payload={"type": kind, "task": work.pk, "step": work.step, "reminder": step, **context},
                recipients=recipients.unit_staff(units), context=context, link=f"/work/tasks/{work.pk}/")


def _tasks_closed_event(event) -> None:
    """Tasks were completed or cancelled: the notices about them are done (``task_notices_done``)."""
    changes = event.changes or {}
    if event.action == "task.complete":
        task_ids = [(changes.get("task") or [None, None])[1]]
    else:
        task_ids = list((changes.get("tasks") or [None, []])[1] or [])
    task_ids = [int(t) for t in task_ids if t is not None]
    if task_ids:
        task_notices_done(object_type=event.object_type, object_id=event.object_id, task_ids=task_ids,
                          when=event.occurred_at or timezone.now())


def _tasks_opened_event(event) -> None:
    """Units were given many tasks at once (``workflow.services.work_items_open_many``): the staff of
    each unit hear of theirs in one message that says how many and what to do, linking to the queue
    (the messages of every unit written in three statements)."""
    from cases.models import Unit

    changes = event.changes or {}
    by_unit = {int(unit_id): tasks for unit_id, tasks in (changes.get("tasks") or [None, []])[1] or [] if tasks}
    title = (changes.get("title") or [None, ""])[1] or ""
    step = (changes.get("step") or [None, ""])[1] or ""
    # The case type and step word the title in the reader's language when shown (notifications.messages),
    # as a single task's notice does; the title is kept for an event that names no case type.
    case_type = (changes.get("case_type") or [None, ""])[1] or ""
    worded = {"case_type": case_type, "step": step} if case_type and step else {}
    units = Unit.objects.in_bulk(list(by_unit))
    staff = recipients.unit_staff_by_unit(list(by_unit))
    events = []
    for unit_id, tasks in sorted(by_unit.items()):
        unit = units.get(unit_id)
        if unit is None or not staff.get(unit_id):
            continue
        context = {"count": len(tasks), "unit": unit.name, "title": title, **worded}
        events.append({"kind": "task.assigned_many", "source": f"audit:{event.pk}:{unit_id}",
                       "object_type": "cases.unit", "object_id": unit_id,
                       "payload": {"type": "task.assigned_many", "tasks": tasks, "step": step, **context},
                       "recipients": staff[unit_id], "context": context, "link": "/work/"})
    outbox_emit_many(events)


def _recompute_event(event) -> None:
    """Each unit whose task moved hears of it once per recompute of the case."""
    from workflow.models import WorkItem

    changes = event.changes or {}
    task_ids = (changes.get("tasks") or [None, []])[1] or []
    works = WorkItem.objects.select_related("unit", "subject").filter(pk__in=task_ids).order_by("task_id")
    for work in works:
        was, due = (changes.get(f"due:{work.step}") or [None, None])
        context = {"title": work.title, "unit": work.unit.name, "due": str(due or ""), "was": str(was or ""),
                   "reason": event.reason or ""}
        outbox_emit(kind="task.redated", source=f"audit:{event.pk}:{work.pk}",
                    subject_key=work.subject.identifier if work.subject else "",
                    object_type=work.object_type, object_id=work.object_id,
                    payload={"type": "task.redated", "task": work.pk, "step": work.step, **context},
                    recipients=recipients.unit_staff([work.unit_id]), context=context, link=f"/work/tasks/{work.pk}/")


def _case_event(event, kind: str) -> None:
    from cases.models import ObjectionCase, RepairCase

    model = ObjectionCase if event.object_type == "cases.objectioncase" else RepairCase
    case = model.objects.select_related("entry__subject", "entry__list_type", "filed_by").get(pk=event.object_id)
    outcome = getattr(case, "outcome", "") or (event.to_state if kind == "repair.result" else "")
    entry = case.entry
    due = deadline_after_acceptance(case)
    materials = (event.changes or {}).get("materials", [None, []])[1] or []
    context = {"number": case.number or "", "outcome": outcome, "subject": entry.subject.name,
               "due": due.isoformat() if due else "", "materials": "；".join(materials),
               # Whether acceptance suspended the entry: an entry no longer in force is not.
               "suspension": "SUSPENDED" if getattr(case, "suspended_entry", False) else "NOT_IN_FORCE"}
    payload = {"type": kind, "case_number": case.number, "outcome": outcome, "state": case.state,
               "entry_id": entry.pk, "list_type": entry.list_type.code,
               "subject": {"identifier": entry.subject.identifier, "name": entry.subject.name},
               "occurred_at": event.occurred_at}
    outbox_emit(kind=kind, source=f"audit:{event.pk}", subject_key=entry.subject.identifier,
                object_type=event.object_type, object_id=case.pk, payload=payload,
                to_platform=kind.endswith(".result"), recipients=recipients.applicant(case), context=context,
                link=f"/portal/cases/{case.number}/" if case.number else "/portal/")
