"""A year becomes official: every open deadline that looked at it is recomputed from its stored
inputs. The task is re-dated, the case shows the new date, one audit event says old → new and why,
the unit is told; re-running changes nothing; a date the subject was told never moves earlier."""

import datetime as dt
import json
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from cases.audit.models import AuditEvent
from cases.models import ListEntry, ObjectionCase
from deadlines import calendar as cal
from deadlines.models import RecomputeRun
from deadlines.publish import recompute_years
from notifications.models import OutboxEvent
from workflow.models import WorkItem

from tests.factories import AdministratorFactory, UnitFactory
from tests.workflow.test_listing_through_the_api import complete, draft, list_through_api, only_task
from tests.workflow.test_objections import accept_via_queue, file_on_portal

pytestmark = pytest.mark.django_db
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def schedule_2027(tmp_path, *, extra_holidays=(), workdays=()):
    """A 2027 schedule: the statutory holidays, plus what the test needs to move a deadline."""
    holidays = [{"name": name, "from": day.isoformat(), "to": day.isoformat()}
                for day, name in sorted(cal.statutory_holidays(2027).items())]
    holidays += [{"name": "元旦", "from": day, "to": day} for day in extra_holidays]
    path = tmp_path / "2027.json"
    path.write_text(json.dumps({
        "year": 2027, "source_document": "国办发明电〔2026〕99号", "holidays": holidays,
        "workdays": [{"name": "元旦", "date": day} for day in workdays],
    }, ensure_ascii=False))
    return path


@pytest.fixture
def december(province, as_user):
    """20 December 2026 in Beijing, with an active entry of the province."""
    with time_machine.travel(dt.datetime(2026, 12, 20, 10, 0, tzinfo=BEIJING), tick=True):
        entry = list_through_api(province, as_user)
        yield ListEntry.objects.get(pk=entry["id"])


def test_an_objection_accepted_on_20_december_gets_a_provisional_deadline_and_publishing_2027_redates_it(
        province, as_user, december, tmp_path, capsys):
    number = file_on_portal(province, december).json()["number"]
    accept_via_queue(province, as_user, number)  # today, 20 December
    case = ObjectionCase.objects.get(number=number)
    # 20 December + 20 days = Saturday 9 January 2027: Monday 11 January, provisionally.
    assert case.verification_due == dt.date(2027, 1, 11)
    assert case.deadlines["verification"]["provisional"] is True
    task = WorkItem.objects.get(object_type="cases.objectioncase", object_id=case.pk, step="verification")
    assert task.due == dt.date(2027, 1, 11) and task.due_computation["provisional"] is True

    # The State Council's schedule (in this test) gives Monday 11 January as a rest day.
    call_command("holidays_publish", str(schedule_2027(tmp_path, extra_holidays=["2027-01-11"])))
    out = capsys.readouterr().out
    assert "2027-01-11 -> 2027-01-12" in out

    task.refresh_from_db()
    case.refresh_from_db()
    assert task.due == case.verification_due == dt.date(2027, 1, 12)
    assert task.due_computation["provisional"] is False
    assert task.due_computation["calendar_sources"]["2027"] == "国办发明电〔2026〕99号"
    events = AuditEvent.objects.filter(action="deadline.recompute", object_type="cases.objectioncase",
                                       object_id=str(case.pk))
    assert events.count() == 1
    assert events.get().changes[f"due:{task.step}"] == ["2027-01-11", "2027-01-12"]
    assert "国办发明电〔2026〕99号" in events.get().reason
    told = OutboxEvent.objects.filter(kind="task.redated", object_id=str(case.pk))
    assert told.count() == 1 and told.get().payload["due"] == "2027-01-12"
    run = RecomputeRun.objects.get()
    assert run.moved >= 1 and any(m["case"] == f"cases.objectioncase:{case.pk}" for m in run.moves)

    # Publishing the same file again, or recomputing again, changes nothing.
    call_command("holidays_publish", str(schedule_2027(tmp_path, extra_holidays=["2027-01-11"])))
    assert recompute_years([2027], reason="again").moved == 0
    assert AuditEvent.objects.filter(action="deadline.recompute").count() == 1
    assert OutboxEvent.objects.filter(kind="task.redated").count() == 1


def test_a_statement_window_told_to_the_subject_never_moves_earlier(province, as_user, tmp_path):
    with time_machine.travel(dt.datetime(2026, 12, 30, 10, 0, tzinfo=BEIJING), tick=True):
        officer = as_user(province["officer"])
        entry = draft(officer, province)
        complete(officer, only_task(officer, "prior_notice")["id"], {"served_on": "2026-12-30"})
        # 5 working days from 30 December: 31 Dec, then 4-7 January (1 January 元旦, then a weekend).
        listed = ListEntry.objects.get(pk=entry["id"])
        assert listed.statement_due == dt.date(2027, 1, 7)
        # The official schedule makes Saturday 2 January a make-up working day: by the calendar
        # alone the window would end on 6 January, but the subject was told 7 January.
        path = schedule_2027(tmp_path, workdays=["2027-01-02"])
        call_command("holidays_publish", str(path))
    listed.refresh_from_db()
    task = WorkItem.objects.get(object_type="cases.listentry", object_id=listed.pk, step="statement")
    assert listed.statement_due == task.due == dt.date(2027, 1, 7)
    assert task.due_computation["held"] is True and task.due_computation["provisional"] is False
    assert listed.deadlines["prior_notice_response"]["held"] is True
    assert not AuditEvent.objects.filter(action="deadline.recompute").exists()


def test_an_override_saved_in_the_admin_redates_the_open_deadlines_it_moves(
        province, as_user, django_capture_on_commit_callbacks):

    with time_machine.travel(dt.datetime(2026, 9, 7, 10, 0, tzinfo=BEIJING), tick=True):
        officer = as_user(province["officer"])
        draft(officer, province)
        complete(officer, only_task(officer, "prior_notice")["id"], {"served_on": "2026-09-07"})
        task = WorkItem.objects.get(step="statement")
        # 5 working days from Monday 7 September 2026: Monday 14 September.
        assert task.due == dt.date(2026, 9, 14)
        admin = Client()
        admin.force_login(AdministratorFactory(unit=UnitFactory()))
        with django_capture_on_commit_callbacks(execute=True):  # the recompute runs after commit
            response = admin.post("/admin/deadlines/holidayoverride/add/", {
                "date": "2026-09-10", "kind": "HOLIDAY", "name": "地方假日", "source_document": "藏政发〔2026〕1号"})
        assert response.status_code == 302
    task.refresh_from_db()
    # A rest day inside the window moves it one working day later; the subject hears the later date.
    assert task.due == dt.date(2026, 9, 15)
    run = RecomputeRun.objects.get()
    assert run.years == [2026] and run.moved == 1
    assert AuditEvent.objects.filter(action="deadline.recompute").count() == 1
