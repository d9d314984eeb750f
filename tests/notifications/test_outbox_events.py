"""Audited changes that must leave the system are written to the outbox in the same transaction."""

import pytest
from django.db import transaction

from cases.services import entries as svc
from notifications.models import Delivery, Notification, OutboxEvent
from tests.notifications.conftest import decide, draft_to_statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform(settings):
    settings.PLATFORM_WEBHOOK_URL = "http://127.0.0.1:9/events"
    settings.PLATFORM_WEBHOOK_SECRET = "s"


def kinds(**filters):
    return list(OutboxEvent.objects.filter(**filters).order_by("id").values_list("kind", flat=True))


def test_a_listing_decision_and_every_later_change_of_the_entry_go_to_the_platform_in_order(province, platform):
    entry = decide(province, draft_to_statement(province))
    svc.entry_publish(actor=province["officer"], entry=entry)
    svc.entry_suspend(actor=province["officer"], entry=entry, reason="异议核查中")
    svc.entry_resume(actor=province["officer"], entry=entry, reason="核查维持")
    svc.entry_remove(actor=province["leader"], entry=entry, removal_reason="CORRECTED", reason="更正")

    assert kinds(kind__startswith="entry.") == [
        "entry.decided", "entry.published", "entry.suspended", "entry.resumed", "entry.removed"]
    platform_rows = Delivery.objects.filter(channel="PLATFORM").order_by("id")
    assert [d.event.kind for d in platform_rows] == kinds(kind__startswith="entry.")
    assert {d.subject_key for d in platform_rows} == {province["subject"].identifier}
    assert all(d.state == "PENDING" for d in platform_rows)
    removed = OutboxEvent.objects.get(kind="entry.removed")
    assert removed.payload["entry"]["state"] == "REMOVED" and removed.payload["entry"]["removal_reason"] == "CORRECTED"


def test_a_rolled_back_change_leaves_no_outbox_row(province, platform):
    entry = draft_to_statement(province)
    with pytest.raises(RuntimeError), transaction.atomic():
        decide(province, entry)
        raise RuntimeError("the decision fails after it was audited")
    assert not OutboxEvent.objects.filter(kind="entry.decided").exists()
    assert not Delivery.objects.filter(channel="PLATFORM").exists()


def test_without_a_platform_endpoint_nothing_is_queued_for_the_platform(province, settings):
    settings.PLATFORM_WEBHOOK_URL = ""
    decide(province, draft_to_statement(province))
    assert not Delivery.objects.filter(channel="PLATFORM").exists()


def test_a_task_routed_to_a_unit_tells_its_officers_and_leaders_in_app_and_by_mail(province):
    for key in ("officer", "officer2", "leader", "officer_a"):
        province[key].email = f"{province[key].username}@unit.example.gov.cn"
        province[key].save(update_fields=["email"])
    draft_to_statement(province)  # the listing flow opens tasks for the listing unit
    event = OutboxEvent.objects.filter(kind="task.assigned").first()
    assert event is not None
    told = set(Notification.objects.filter(event=event).values_list("user__username", flat=True))
    listing_staff = {province[k].username for k in ("officer", "officer2", "leader")}
    assert told == listing_staff
    assert province["officer_a"].username not in told  # another unit's officer hears nothing
    task_id = event.payload["task"]
    assert set(Notification.objects.filter(event=event).values_list("link", flat=True)) == {f"/work/tasks/{task_id}/"}
    mails = Delivery.objects.filter(event=event, channel="EMAIL")
    assert {d.address for d in mails} == {province[k].email for k in ("officer", "officer2", "leader")}


def test_reminders_and_escalations_are_notified_to_the_unit_and_the_credit_lead_office(province):
    import datetime as dt

    from workflow.models import WorkItem
    from workflow.timers import escalate_overdue

    draft_to_statement(province)
    work = WorkItem.objects.filter(is_open=True, unit=province["listing"]).first()
    WorkItem.objects.filter(pk=work.pk).update(due=dt.date(2026, 1, 5))
    escalate_overdue(today=dt.date(2026, 1, 6))
    event = OutboxEvent.objects.get(kind="task.escalated")
    told = set(Notification.objects.filter(event=event).values_list("user__username", flat=True))
    assert province["officer"].username in told and province["lead_officer"].username in told
    assert province["officer_a"].username not in told
    assert event.payload["office"] == province["lead"].name


def test_the_same_audit_event_never_produces_two_outbox_events(province, platform):
    from cases.audit.models import AuditEvent
    from notifications.events import on_audit

    entry = decide(province, draft_to_statement(province))
    audit = AuditEvent.objects.get(chain=f"cases.listentry:{entry.pk}", action="entry.decide")
    on_audit(audit)  # e.g. a listener run twice
    assert OutboxEvent.objects.filter(kind="entry.decided").count() == 1
