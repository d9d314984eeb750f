"""Writes of the in-app inbox and the preferences: only ever on the acting user's own rows."""

from __future__ import annotations

from django.db import transaction
from django.db.models import DateTimeField, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.errors import NotFound
from cases.locking import for_update
from notifications.models import Notification, NotificationPreference, OutboxEvent

# The notices about one task (their event's payload names it), and the one about a batch of tasks.
TASK_NOTICE_KINDS = ("task.assigned", "task.deadline_near", "task.escalated", "task.redated")
TASK_BATCH_KIND = "task.assigned_many"


@transaction.atomic
def notification_mark_read(*, user, notification_id: int) -> Notification:
    note = for_update(Notification.objects).filter(pk=notification_id, user=user).first()
    if note is None:  # someone else's or none: the same answer, so ids reveal nothing
        raise NotFound(code="notification_not_found")
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return note


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def preference_set(*, user, email: bool, sms: bool, daily_digest: bool, language: str) -> NotificationPreference:
    pref, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email": email, "sms": sms, "daily_digest": daily_digest, "language": language})
    return pref


@transaction.atomic
def task_notices_done(*, object_type: str, object_id=None, task_ids: list[int], when, object_ids=()) -> int:
    """A notice follows its task: once the task is completed or cancelled, every notice about it
    (new task, deadline near, moved, escalated) is done and, if unread, read, for everyone who got
    it, so nobody's inbox keeps calling a finished task new. A notice of a batch of tasks is done
    once none of its tasks is open any more. Runs in the transaction that closes the tasks."""
    from workflow.models import WorkItem

    ids = [str(i) for i in object_ids] if object_ids else [str(object_id)]  # the tasks' objects (indexed)
    done = _mark_done(Notification.objects.filter(
        kind__in=TASK_NOTICE_KINDS, event__object_type=object_type, event__object_id__in=ids,
        event__payload__task__in=task_ids), when)
    units = [str(u) for u in WorkItem.objects.filter(pk__in=task_ids).values_list("unit_id", flat=True).distinct()]
    any_of = Q()
    for task_id in task_ids:
        any_of |= Q(payload__tasks__contains=[task_id])
    batches = list(OutboxEvent.objects.filter(any_of, kind=TASK_BATCH_KIND, object_type="cases.unit",
                                              object_id__in=units).only("pk", "payload"))
    # One query for every batch's tasks still open, not one per batch.
    open_tasks = set(WorkItem.objects.filter(
        pk__in={t for batch in batches for t in batch.payload.get("tasks") or []}, is_open=True,
    ).values_list("pk", flat=True))
    finished = [batch.pk for batch in batches if not open_tasks & set(batch.payload.get("tasks") or [])]
    if finished:
        done += _mark_done(Notification.objects.filter(event_id__in=finished), when)
    return done


def _mark_done(notices, when) -> int:
    return notices.filter(done_at__isnull=True).update(
        done_at=when, read_at=Coalesce("read_at", Value(when, output_field=DateTimeField())))
