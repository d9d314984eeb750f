"""What Celery beat does with deadlines: reminders before, escalation at (domain.md §5).

Each sweep is idempotent and safe beside officers acting: rows are taken with
``for_update(…, skip_locked=True)`` (a task being completed right now is skipped and looked at
again on the next sweep) and re-checked under the lock, so a task is escalated exactly once.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cases.audit.services import audit_record
from cases.locking import for_update
from cases.models import Unit
from workflow.models import WorkItem
from workflow.services import next_reminder

BATCH = 500


def credit_lead_office_for(unit: Unit) -> Unit | None:
    """The credit lead office (社会信用体系建设牵头部门) of the unit's region, else of the nearest
    region above it."""
    region = unit.region
    while region is not None:
        office = Unit.objects.filter(region=region, is_credit_lead_office=True, is_active=True).exclude(pk=unit.pk).first()
        if office is not None:
            return office
        region = region.parent
    return None


def send_reminders(*, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    sent = 0
    while True:
        with transaction.atomic():
            items = list(
                for_update(WorkItem.objects, skip_locked=True)
                .filter(is_open=True, paused_at__isnull=True, remind_on__lte=today)
                .order_by("remind_on")[:BATCH]
            )
            for work in items:
                due_steps = [r for r in _plan(work) if r["on"] <= today.isoformat()]
                for reminder in due_steps:
                    work.reminders_sent = [*work.reminders_sent, {"step": reminder["step"], "on": today.isoformat()}]
                    audit_record(action="task.remind", chain=work.chain, object_type=work.object_type,
                                 object_id=work.object_id, actor=None,
                                 changes={"task": [None, work.task_id], "reminder": [None, reminder["step"]],
                                          "due": [None, work.due], "unit": [None, work.unit_id]})
                    sent += 1
                work.remind_on = next_reminder(work)
                work.save(update_fields=["reminders_sent", "remind_on"])
        if len(items) < BATCH:
            return sent


def _plan(work: WorkItem) -> list[dict]:
    from workflow.services import reminder_dates

    done = {r["step"] for r in work.reminders_sent}
    return [r for r in reminder_dates(work.case_type, work.due) if r["step"] not in done]


def escalate_overdue(*, today: dt.date | None = None) -> int:
    """At the deadline the task escalates to the credit lead office, naming the overdue unit. The
    task stays where it is (and any suspension stays in force): nothing is closed or deleted."""
    today = today or timezone.localdate()
    escalated = 0
    offices: dict[int, Unit | None] = {}  # one lookup per overdue unit per sweep, not per task
    while True:
        with transaction.atomic():
            items = list(
                for_update(WorkItem.objects, skip_locked=True)
                .filter(is_open=True, escalated_at__isnull=True, paused_at__isnull=True, due__lt=today)
                .select_related("unit", "unit__region")
                .order_by("due")[:BATCH]
            )
            for work in items:
                if work.unit_id not in offices:
                    offices[work.unit_id] = credit_lead_office_for(work.unit)
                office = offices[work.unit_id]
                work.escalated_at = timezone.now()
                work.escalated_to = office
                work.save(update_fields=["escalated_at", "escalated_to"])
                audit_record(action="task.escalate", chain=work.chain, object_type=work.object_type,
                             object_id=work.object_id, actor=None,
                             changes={"task": [None, work.task_id], "overdue_unit": [None, work.unit.code],
                                      "due": [None, work.due], "escalated_to": [None, office.code if office else None]})
                escalated += 1
        if len(items) < BATCH:
            return escalated


def sweep(*, today: dt.date | None = None) -> dict:
    return {"reminded": send_reminders(today=today), "escalated": escalate_overdue(today=today)}
