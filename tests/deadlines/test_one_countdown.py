"""One countdown (issue 18): the same deadline shows the same time left, in its own unit, on the
portal, in the officer's queue, on the task page, on the workspace case page and in the API; a
stopped clock stands still, a done task shows none, an overdue one says by how much; month rules
count calendar days and say so."""

import datetime as dt
import io
import re
import zoneinfo

import pytest
import time_machine
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook
from rest_framework.test import APIClient

from cases.models import ListEntry, ObjectionCase
from cases.services import objections as objection_services
from deadlines.calendar import CALENDAR_DAYS, MONTHS, WORKING_DAYS, ChinaCalendar
from deadlines.countdown import countdown, countdown_from_dict, countdown_json
from notifications.messages import render_body
from notifications.models import Notification
from tests.api.status_fixtures import api_for, world  # noqa: F401
from tests.api.test_feedback_report import execution, month_of_work, push_back, report  # noqa: F401
from tests.cases.test_portal_support import file_objection, pdf, portal_media  # noqa: F401
from tests.workflow.test_listing_through_the_api import list_through_api
from tests.workflow.test_objections import accept_via_queue
from workflow.models import WorkItem

pytestmark = pytest.mark.django_db
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
CAL = ChinaCalendar()
D = dt.date


def at(day: dt.date, hour=10):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=BEIJING), tick=False)


# --- the value itself ---------------------------------------------------------------------------

def test_a_working_day_deadline_counts_working_days_and_says_so():
    friday_due_monday = countdown(due=D(2026, 12, 7), unit=WORKING_DAYS, today=D(2026, 12, 5), calendar=CAL)
    left = friday_due_monday
    assert (left.state, left.days_left, left.unit) == ("running", 1, WORKING_DAYS)
    with translation.override("en"):
        assert friday_due_monday.label == "Working days left: 1"


def test_overdue_says_by_how_much_in_the_deadlines_unit():
    late = countdown(due=D(2026, 12, 7), unit=WORKING_DAYS, today=D(2026, 12, 9), calendar=CAL)
    assert (late.state, late.days_left, late.amount, late.overdue) == ("overdue", -2, 2, True)
    # The Saturday after a Friday deadline is late by one working day, never by zero.
    saturday = countdown(due=D(2026, 12, 4), unit=WORKING_DAYS, today=D(2026, 12, 5), calendar=CAL)
    assert (saturday.state, saturday.days_left) == ("overdue", -1)
    with translation.override("en"):
        assert late.label == "Working days overdue: 2"


def test_due_today_is_zero_and_says_so():
    today = countdown(due=D(2026, 12, 7), unit=WORKING_DAYS, today=D(2026, 12, 7), calendar=CAL)
    assert (today.state, today.days_left, today.overdue) == ("due_today", 0, False)
    with translation.override("zh-hans"):
        assert today.label == "今日到期"


def test_a_month_rule_counts_calendar_days_and_says_calendar_days():
    month = countdown(due=D(2027, 1, 5), unit=MONTHS, today=D(2026, 12, 5), calendar=CAL)
    assert (month.days_left, month.unit, month.rule_unit) == (31, CALENDAR_DAYS, MONTHS)
    with translation.override("en"):
        assert month.label == "Calendar days left: 31"


def test_a_stopped_clock_stands_at_what_was_left_when_it_stopped_and_is_never_overdue():
    # Stopped on Friday 4 December with the deadline on Monday 7 December: one working day left,
    # still one on the Wednesday after, when a running clock would be two days late.
    stopped = countdown(due=D(2026, 12, 7), unit=WORKING_DAYS, today=D(2026, 12, 9), calendar=CAL, paused=True,
                        paused_on=D(2026, 12, 4))
    assert (stopped.state, stopped.days_left, stopped.overdue, stopped.paused) == ("paused", 1, False, True)
    undetermined = countdown(due=None, unit=WORKING_DAYS, today=D(2026, 12, 9), calendar=CAL, paused=True)
    assert (undetermined.state, undetermined.days_left) == ("paused", None)
    with translation.override("en"):
        assert stopped.label == "paused (Working days left: 1)"
    with translation.override("zh-hans"):
        assert undetermined.label == "已暂停"


def test_a_done_task_has_no_countdown():
    done = countdown(due=D(2026, 12, 7), unit=WORKING_DAYS, today=D(2026, 12, 5), calendar=CAL, done=True)
    assert (done.state, done.days_left, done.label, done.shown) == ("done", None, "", False)


def test_without_holiday_data_working_days_fall_back_to_labelled_calendar_days():
    fallback = countdown(due=D(2026, 12, 7), unit=WORKING_DAYS, today=D(2026, 12, 5), calendar=None)
    assert (fallback.days_left, fallback.unit, fallback.rule_unit) == (2, CALENDAR_DAYS, WORKING_DAYS)


def test_a_countdown_kept_as_data_reads_back_the_same():
    value = countdown(due=D(2026, 12, 7), unit=WORKING_DAYS, today=D(2026, 12, 5), calendar=CAL)
    assert countdown_from_dict(countdown_json(value)) == value


# --- every surface shows the same number ---------------------------------------------------------

@pytest.fixture
def objection(province, as_user):
    """An objection filed on the portal on Thursday 3 December 2026 at 10:00 (Beijing): its
    acceptance is due in 2 working days, on Monday 7 December."""
    with at(D(2026, 12, 2)):
        entry = ListEntry.objects.get(pk=list_through_api(province, as_user)["id"])
    visitor = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    with at(D(2026, 12, 3)):
        filed = file_objection(visitor, entry)
    case = ObjectionCase.objects.get(number=filed["number"])
    assert case.acceptance_due == D(2026, 12, 7)
    work = WorkItem.objects.get(object_type="cases.objectioncase", object_id=case.pk, step="acceptance")
    return {"case": case, "visitor": visitor, "task": work.task_id, "code": filed["code"]}


def shown(html: str, anchor: str) -> dict:
    """The countdown shown after ``anchor`` in a page: its state, days left and unit."""
    start = html.index(anchor)
    found = re.search(r'data-countdown="(\w+)" data-days-left="(-?\d*)" data-unit="(\w+)"', html[start:])
    assert found, f"no countdown after {anchor!r}"
    state, left, unit = found.groups()
    return {"state": state, "days_left": int(left) if left else None, "unit": unit}


def every_surface(province, objection) -> dict:
    case, task = objection["case"], objection["task"]
    officer = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    officer.force_login(province["officer"])
    api = APIClient()
    api.force_authenticate(province["officer"])
    api_task = api.get(f"/api/v1/tasks/{task}/").json()
    [listed] = [t for t in api.get("/api/v1/tasks/", {"case_type": "OBJECTION"}).json()["results"] if t["id"] == task]
    public = APIClient().get(f"/api/v1/public/objections/{case.number}/", {"code": objection["code"]})
    surfaces = {
        "portal": shown(objection["visitor"].get(f"/portal/cases/{case.number}/").content.decode(), 'id="countdown"'),
        "queue": shown(officer.get("/work/").content.decode(), f'data-task="{task}"'),
        "task page": shown(officer.get(f"/work/tasks/{task}/").content.decode(), 'id="task-deadline"'),
        "case page": shown(officer.get(f"/work/cases/objection/{case.pk}/").content.decode(), 'id="case-tasks"'),
        "task API": {k: api_task["countdown"][k] for k in ("state", "days_left", "unit")},
        "queue API": {k: listed["countdown"][k] for k in ("state", "days_left", "unit")},
    }
    assert api_task["days_left"] == api_task["countdown"]["days_left"] == listed["days_left"]
    body = public.json()
    assert body["days_left"] == body["countdown"]["days_left"]
    surfaces["public API"] = {k: body["countdown"][k] for k in ("state", "days_left", "unit")}
    return surfaces


@pytest.mark.parametrize("day,state,left", [
    (D(2026, 12, 5), "running", 1),  # Saturday: Monday is the one working day left (2 calendar days)
    (D(2026, 12, 7), "due_today", 0),
    (D(2026, 12, 9), "overdue", -2),  # Tuesday and Wednesday
])
def test_the_same_working_day_deadline_shows_the_same_everywhere(province, objection, day, state, left):
    with at(day):
        surfaces = every_surface(province, objection)
    for where, seen in surfaces.items():
        assert seen == {"state": state, "days_left": left, "unit": WORKING_DAYS}, where


def test_a_month_rule_shows_calendar_days_everywhere_not_days_labelled_months(province, objection):
    WorkItem.objects.filter(task_id=objection["task"]).update(due=D(2027, 1, 5), due_unit=MONTHS)
    officer = Client(HTTP_ACCEPT_LANGUAGE="en")
    officer.force_login(province["officer"])
    api = APIClient()
    api.force_authenticate(province["officer"])
    with at(D(2026, 12, 5)):
        queue = officer.get("/work/").content.decode()
        page = officer.get(f"/work/tasks/{objection['task']}/").content.decode()
        body = api.get(f"/api/v1/tasks/{objection['task']}/", HTTP_ACCEPT_LANGUAGE="en").json()
    expected = {"state": "running", "days_left": 31, "unit": CALENDAR_DAYS}
    assert shown(queue, f'data-task="{objection["task"]}"') == expected
    assert shown(page, 'id="task-deadline"') == expected
    assert body["days_left"] == 31 and body["countdown"]["rule_unit"] == MONTHS
    assert body["countdown"]["label"] == "Calendar days left: 31"
    assert "Calendar days left: 31" in page and "(months)" not in page


def test_a_paused_case_stands_still_everywhere_and_resumes_with_what_it_had_left(province, objection):
    case = objection["case"]
    with at(D(2026, 12, 4)):  # Friday: one working day (Monday) left
        objection_services.objection_request_supplement(actor=province["officer"], case=case,
                                                        materials=["完税凭证原件扫描件"])
    with at(D(2026, 12, 9)):  # a running clock would be two working days late by now
        surfaces = every_surface(province, objection)
        for where, seen in surfaces.items():
            if where != "portal":
                assert seen == {"state": "paused", "days_left": 1, "unit": WORKING_DAYS}, where
        assert surfaces["portal"]["state"] == "paused" and surfaces["portal"]["days_left"] == 1
        response = objection["visitor"].post(f"/portal/cases/{case.number}/material/", {"files": [pdf("完税凭证.pdf")]})
        assert response.status_code == 302
        resumed = every_surface(province, objection)
    # The clock restarts with the working day it had left: due Thursday 10 December.
    case.refresh_from_db()
    assert case.acceptance_due == D(2026, 12, 10)
    for where, seen in resumed.items():
        assert seen == {"state": "running", "days_left": 1, "unit": WORKING_DAYS}, where


def test_a_done_task_shows_no_countdown(province, as_user, objection):
    with at(D(2026, 12, 4)):
        accept_via_queue(province, as_user, objection["case"].number)
    officer = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    officer.force_login(province["officer"])
    api = APIClient()
    api.force_authenticate(province["officer"])
    with at(D(2026, 12, 5)):
        page = officer.get(f"/work/tasks/{objection['task']}/").content.decode()
        body = api.get(f"/api/v1/tasks/{objection['task']}/").json()
        case_page = officer.get(f"/work/cases/objection/{objection['case'].pk}/").content.decode()
    deadline = page[page.index('id="task-deadline"'):]
    assert "2026-12-07" in deadline[:200] and "data-countdown" not in deadline[:400]
    assert body["days_left"] is None and body["countdown"]["state"] == "done" and body["countdown"]["label"] == ""
    assert body["overdue"] is False
    # The case page lists the done acceptance task without a countdown.
    tasks_table = case_page[case_page.index('id="case-tasks"'):]
    rows = tasks_table[:tasks_table.index("</table>")].split("<tr>")
    [row] = [r for r in rows if f"/work/tasks/{objection['task']}/" in r]
    assert "2026-12-07" in row and "data-countdown" not in row


def test_the_task_notifications_carry_the_countdown_in_the_readers_language(province, objection):
    note = Notification.objects.filter(kind="task.assigned", link=f"/work/tasks/{objection['task']}/").first()
    assert note is not None and note.context["countdown"]["unit"] == WORKING_DAYS
    with translation.override("en"):
        assert f"Working days left: {note.context['countdown']['days_left']}" in render_body(note.kind, note.context)
    assert note.context["countdown"]["days_left"] == 2  # opened Thursday, due Monday: Friday and Monday


def test_the_schema_declares_the_countdown_of_tasks_and_public_cases(db):
    schemas = APIClient().get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    assert {"state", "days_left", "unit", "rule_unit", "overdue", "paused", "label"} <= set(
        schemas["Countdown"]["properties"])
    for name in ("Task", "TaskDetail", "EntryTask", "PublicObjection", "PublicRepair"):
        assert "#/components/schemas/Countdown" in str(schemas[name]["properties"]["countdown"]), name


def test_the_feedback_reports_late_rows_say_how_late_in_the_rules_unit(world, month_of_work):
    far = execution(month_of_work["first"], world["mandatory"], world["impl_far"])
    push_back(far, 70)
    body = report(world["province_auditor"]).json()
    [late] = body["late"]
    overdue_by = (dt.date.fromisoformat(body["cutoff"]) - dt.date.fromisoformat(late["feedback_due"])).days
    # The feedback rule counts a month: calendar days, said as calendar days.
    assert {k: late["countdown"][k] for k in ("state", "days_left", "unit", "rule_unit")} == {
        "state": "overdue", "days_left": -overdue_by, "unit": CALENDAR_DAYS, "rule_unit": MONTHS}
    workbook = api_for(world["province_auditor"]).get(
        "/api/v1/reports/feedback/", {"month": body["month"], "format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en")
    sheet = load_workbook(io.BytesIO(workbook.content))["Late"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "Overdue by" and rows[1][-1] == f"Calendar days overdue: {overdue_by}"


def test_the_daily_digest_counts_a_stopped_clock_as_neither_due_nor_overdue(province, objection):
    from notifications.models import OutboxEvent
    from notifications.services.digest import digest_send

    digest_send(today=D(2026, 12, 9))
    running = OutboxEvent.objects.get(kind="digest.daily", source__endswith=":2026-12-09")
    assert running.payload["overdue"] == 1
    with at(D(2026, 12, 4)):
        objection_services.objection_request_supplement(actor=province["officer"], case=objection["case"],
                                                        materials=["完税凭证原件扫描件"])
    assert digest_send(today=D(2026, 12, 10)) == 0  # the unit's only task is paused: nothing to report
