"""The officers' daily digest and the reconciliation with the shared credit platform."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from cases.services import entries as svc
from notifications.models import Delivery, Notification, NotificationPreference, OutboxEvent, PlatformEntryState
from notifications.services.delivery import deliver
from notifications.services.digest import digest_send
from tests.factories import SubjectFactory
from tests.notifications.conftest import decide, draft_to_statement

pytestmark = pytest.mark.django_db


def test_the_daily_digest_counts_due_and_overdue_tasks_once_a_day_for_those_who_keep_it(province):
    from workflow.models import WorkItem

    draft_to_statement(province)
    draft_to_statement(province, subject=SubjectFactory())
    today = dt.date(2026, 11, 23)
    items = list(WorkItem.objects.filter(unit=province["listing"], is_open=True).order_by("pk"))
    WorkItem.objects.filter(pk=items[0].pk).update(due=today - dt.timedelta(days=2))
    WorkItem.objects.filter(pk=items[1].pk).update(due=today + dt.timedelta(days=1))
    NotificationPreference.objects.create(user=province["officer2"], daily_digest=False)

    assert digest_send(today=today) == 1
    assert digest_send(today=today) == 0  # a re-run the same day sends nothing twice
    event = OutboxEvent.objects.get(kind="digest.daily")
    assert event.payload["overdue"] == 1 and event.payload["due_soon"] >= 1
    told = set(Notification.objects.filter(event=event).values_list("user__username", flat=True))
    assert told == {province["officer"].username, province["leader"].username}
    note = Notification.objects.get(event=event, user=province["officer"])
    assert "已逾期" in note.title


def test_the_digest_task_is_on_the_beat_schedule():
    from django.conf import settings

    from config.celery import app

    app.loader.import_default_modules()
    for name in ("notifications-daily-digest", "notifications-sweep"):
        assert settings.CELERY_BEAT_SCHEDULE[name]["task"] in app.tasks
        assert settings.CELERY_BEAT_SCHEDULE[name]["task"].startswith("notifications.")


def test_reconcile_reports_missing_stale_and_lingering_entries_and_requeues_them(province, receiver):
    a = svc.entry_publish(actor=province["officer"], entry=decide(province, draft_to_statement(province)))
    b = svc.entry_publish(actor=province["officer"], entry=decide(province, draft_to_statement(
        province, subject=SubjectFactory())))
    c = svc.entry_publish(actor=province["officer"], entry=decide(province, draft_to_statement(
        province, subject=SubjectFactory())))
    for d in Delivery.objects.filter(channel="PLATFORM").order_by("id"):
        deliver(d.pk)
    assert set(PlatformEntryState.objects.values_list("state", flat=True)) == {"ACTIVE"}
    # What the platform lost or never got: a's acknowledgement is gone; b changed while the
    # platform was unreachable and the push died; c was removed, its push died too.
    PlatformEntryState.objects.filter(entry=a).delete()
    svc.entry_suspend(actor=province["officer"], entry=b, reason="异议核查中")
    svc.entry_remove(actor=province["leader"], entry=c, removal_reason="CORRECTED", reason="更正")
    Delivery.objects.filter(channel="PLATFORM", state="PENDING").update(state="DEAD", last_error="gave up")

    out = StringIO()
    call_command("platform_reconcile", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert (report["missing"], report["stale"], report["lingering"]) == (1, 1, 1)
    assert report["sample"] == {"missing": [a.pk], "stale": [b.pk], "lingering": [c.pk]}
    assert report["dead_deliveries"] == 2 and report["requeued"] == 0

    Delivery.objects.filter(state="DEAD").update(state="DELIVERED")  # the administrator dealt with them
    out = StringIO()
    call_command("platform_reconcile", "--requeue", "--json", stdout=out)
    assert json.loads(out.getvalue())["requeued"] == 3
    for d in Delivery.objects.filter(channel="PLATFORM", state="PENDING").order_by("id"):
        deliver(d.pk)
    assert dict(PlatformEntryState.objects.values_list("entry_id", "state")) == {
        a.pk: "ACTIVE", b.pk: "SUSPENDED", c.pk: "REMOVED"}
    out = StringIO()
    call_command("platform_reconcile", stdout=out)
    assert "missing on the platform: 0" in out.getvalue() and "re-queued: 0" in out.getvalue()
    syncs = [e for e in receiver.recorded() if e["type"] == "entry.sync"]
    assert {e["entry"]["id"] for e in syncs} == {a.pk, b.pk, c.pk}
