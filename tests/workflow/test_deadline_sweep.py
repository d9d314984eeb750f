"""Celery beat watches every open deadline: reminders before it, escalation to the credit lead
office at it, exactly once (domain.md §5)."""

import datetime as dt

import pytest
from django.conf import settings

from cases.audit.models import AuditEvent
from workflow import services, timers
from workflow.models import WorkItem

from .test_listing_through_the_api import complete, draft, only_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement_task(province, as_user):
    officer = as_user(province["officer"])
    draft(officer, province)
    complete(officer, only_task(officer, "prior_notice")["id"], {"served_on": "2026-09-01"})
    return WorkItem.objects.get(step="statement")  # due Tuesday 8 September 2026


def test_reminders_go_out_3_and_1_working_days_before_the_deadline_once_each(statement_task):
    work = statement_task
    assert work.due == dt.date(2026, 9, 8)
    assert work.remind_on == dt.date(2026, 9, 3), "3 working days before Tue 8 Sep is Thu 3 Sep"
    assert timers.send_reminders(today=dt.date(2026, 9, 2)) == 0
    assert timers.send_reminders(today=dt.date(2026, 9, 3)) == 1
    assert timers.send_reminders(today=dt.date(2026, 9, 3)) == 0, "a reminder goes out once"
    work.refresh_from_db()
    assert work.remind_on == dt.date(2026, 9, 7)
    assert timers.send_reminders(today=dt.date(2026, 9, 7)) == 1
    work.refresh_from_db()
    assert [r["step"] for r in work.reminders_sent] == ["reminder_1", "reminder_2"]
    assert work.remind_on is None
    assert AuditEvent.objects.filter(action="task.remind").count() == 2


def test_a_beat_run_past_the_deadline_escalates_once_to_the_credit_lead_office(province, statement_task):
    assert timers.escalate_overdue(today=dt.date(2026, 9, 8)) == 0, "the due day itself is not late"
    assert timers.escalate_overdue(today=dt.date(2026, 9, 9)) == 1
    assert timers.escalate_overdue(today=dt.date(2026, 9, 10)) == 0
    assert timers.sweep(today=dt.date(2026, 9, 11))["escalated"] == 0
    work = WorkItem.objects.get(pk=statement_task.pk)
    assert work.escalated_to == province["lead"] and work.is_open, "the task stays with its unit"
    event = AuditEvent.objects.get(action="task.escalate")
    assert event.changes["overdue_unit"] == [None, province["listing"].code]
    assert event.chain == statement_task.chain


def test_the_credit_lead_office_sees_its_escalations_and_others_do_not(province, as_user, statement_task):
    timers.escalate_overdue(today=dt.date(2026, 9, 9))
    lead = as_user(province["lead_officer"]).get("/api/v1/tasks/escalated/").json()["results"]
    assert [t["id"] for t in lead] == [statement_task.pk]
    assert lead[0]["unit"] == province["listing"].code
    assert as_user(province["lead_officer"]).get(f"/api/v1/tasks/{statement_task.pk}/").status_code == 200
    assert as_user(province["outsider"]).get("/api/v1/tasks/escalated/").json()["results"] == []


def test_paused_tasks_are_neither_reminded_nor_escalated(province, statement_task):
    from cases.models import ListEntry

    services.case_tasks_pause(ListEntry.objects.get(pk=statement_task.object_id), reason="test")
    assert timers.sweep(today=dt.date(2026, 9, 20)) == {"reminded": 0, "escalated": 0}


def test_beat_schedules_the_deadline_sweep_and_the_expiry_sweep():
    from config.celery import app

    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["deadlines-sweep"]["task"] == "workflow.sweep_deadlines"
    assert schedule["entries-expire"]["task"] == "entries.expire"
    assert {"workflow.sweep_deadlines", "entries.expire"} <= set(app.tasks)
    assert app.tasks["workflow.sweep_deadlines"].apply().get() == {"reminded": 0, "escalated": 0}
    assert app.tasks["entries.expire"].apply().get() == 0
