"""A blacklist entry goes draft → notice → statement → decision → ACTIVE through the task API,
by the listing unit's staff only (domain.md §1)."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from cases.audit.models import AuditEvent
from cases.models import ListEntry, MeasureExecution
from workflow.models import WorkItem

pytestmark = pytest.mark.django_db
E = ListEntry.State


def draft(client, w, **extra):
    body = {"list_type": w["blacklist"].code, "subject": w["subject"].identifier,
            "facts": "拖欠税款逾期未缴", "reasons": "符合税收违法黑名单认定标准", **extra}
    response = client.post("/api/v1/entries/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def queue(client, **params):
    response = client.get("/api/v1/tasks/", params)
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def only_task(client, step):
    tasks = [t for t in queue(client) if t["step"] == step]
    assert len(tasks) == 1, tasks
    return tasks[0]


def complete(client, task_id, data=None, expect=200):
    response = client.post(f"/api/v1/tasks/{task_id}/complete/", data or {}, format="json")
    assert response.status_code == expect, response.json()
    return response.json()


def list_through_api(w, as_user, *, served_on="2026-09-01", decision_date="2026-09-29"):
    officer, leader = as_user(w["officer"]), as_user(w["leader"])
    entry = draft(officer, w)
    complete(officer, only_task(officer, "prior_notice")["id"], {"served_on": served_on})
    complete(officer, only_task(officer, "statement")["id"], {"statement": "已补缴部分税款，请求从轻处理"})
    # The helper's decisions are dated weeks back: recorded late, with the reason.
    complete(leader, only_task(leader, "decision")["id"],
             {"approve": True, "decision_date": decision_date, "dating_reason": "纸质决定书补录"})
    complete(officer, only_task(officer, "publication")["id"])
    return entry


def test_blacklist_entry_goes_through_every_step_to_active(province, as_user):
    entry = list_through_api(province, as_user)
    detail = as_user(province["officer"]).get(f"/api/v1/entries/{entry['id']}/").json()
    assert detail["state"] == E.ACTIVE
    assert detail["statement"] == "已补缴部分税款，请求从轻处理"
    assert [t["step"] for t in detail["tasks"]] == ["prior_notice", "statement", "decision", "publication"]
    assert all(t["status"] == "DONE" for t in detail["tasks"])
    steps = AuditEvent.objects.filter(chain=f"cases.listentry:{entry['id']}", action="task.complete").count()
    assert steps == 4


def test_statement_task_is_due_at_the_end_of_the_response_window(province, as_user):
    officer = as_user(province["officer"])
    draft(officer, province)
    complete(officer, only_task(officer, "prior_notice")["id"], {"served_on": "2026-09-01"})
    task = only_task(officer, "statement")
    # 5 working days after Tuesday 1 September 2026: Tuesday 8 September.
    assert (task["due"], task["due_unit"]) == ("2026-09-08", "WORKING_DAYS")


def test_publication_is_due_seven_working_days_after_the_decision_across_a_holiday(province, as_user):
    officer, leader = as_user(province["officer"]), as_user(province["leader"])
    draft(officer, province)
    complete(officer, only_task(officer, "prior_notice")["id"], {"served_on": "2026-09-01"})
    complete(officer, only_task(officer, "statement")["id"], {"statement": "陈述"})
    complete(leader, only_task(leader, "decision")["id"],
             {"approve": True, "decision_date": "2026-09-29", "dating_reason": "纸质决定书补录"})
    task = as_user(province["officer"]).get(f"/api/v1/tasks/{only_task(officer, 'publication')['id']}/").json()
    # Decided Tuesday 29 September, before the National Day holiday (1-7 October): 30 Sep, 8, 9,
    # 10 (make-up Saturday), 12, 13, 14 October.
    assert task["due"] == "2026-10-14"
    assert task["due_computation"]["holidays_crossed"], "the computation keeps the holidays it skipped"


def test_no_statement_may_be_closed_only_after_the_window(province, as_user):
    officer = as_user(province["officer"])
    draft(officer, province)
    future = dt.date.today().isoformat()  # the window runs 5 working days from today
    complete(officer, only_task(officer, "prior_notice")["id"], {"served_on": future})
    task = only_task(officer, "statement")
    body = complete(officer, task["id"], {"statement": ""}, expect=400)
    assert body["fields"]["statement"][0]["code"] == "statement_window_open"
    assert only_task(officer, "statement")["status"] in ("NEW", "ASSIGNED"), "nothing half-done"


def test_officer_cannot_decide_only_a_leader(province, as_user):
    officer = as_user(province["officer"])
    draft(officer, province)
    complete(officer, only_task(officer, "prior_notice")["id"], {"served_on": "2026-09-01"})
    complete(officer, only_task(officer, "statement")["id"], {"statement": "陈述"})
    body = complete(officer, only_task(officer, "decision")["id"], {"approve": True}, expect=403)
    assert body["code"] == "leader_required"


def test_leader_not_listing_withdraws_the_entry_and_ends_the_flow(province, as_user):
    officer, leader = as_user(province["officer"]), as_user(province["leader"])
    entry = draft(officer, province)
    complete(officer, only_task(officer, "prior_notice")["id"], {"served_on": "2026-09-01"})
    complete(officer, only_task(officer, "statement")["id"], {"statement": "陈述"})
    task = only_task(leader, "decision")
    body = complete(leader, task["id"], {"approve": False}, expect=400)
    assert "reason" in body["fields"]
    complete(leader, task["id"], {"approve": False, "reason": "陈述理由成立，不予列入"})
    assert ListEntry.objects.get(pk=entry["id"]).state == E.WITHDRAWN
    assert queue(officer) == []


def test_withdrawing_a_noticed_entry_cancels_its_open_task(province, as_user):
    officer = as_user(province["officer"])
    entry = draft(officer, province)
    complete(officer, only_task(officer, "prior_notice")["id"], {"served_on": "2026-09-01"})
    response = officer.post(f"/api/v1/entries/{entry['id']}/withdraw/", {"reason": "认定依据不足"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == E.WITHDRAWN
    assert queue(officer) == []
    assert not WorkItem.objects.filter(object_id=entry["id"], is_open=True).exists()


def test_red_list_entry_goes_straight_to_publication(province, as_user):
    officer = as_user(province["officer"])
    entry = draft(officer, province, list_type=province["red"].code)
    complete(officer, only_task(officer, "publication")["id"])
    assert ListEntry.objects.get(pk=entry["id"]).state == E.ACTIVE


def test_on_active_every_implementing_unit_gets_a_task_per_execution(province, as_user):
    entry = list_through_api(province, as_user)
    executions = MeasureExecution.objects.filter(entry_id=entry["id"])
    pairs = {(e.measure_id, e.unit_id) for e in executions}
    w = province
    assert pairs == {(w["mandatory"].pk, w["impl_a"].pk), (w["mandatory"].pk, w["impl_b"].pk),
                     (w["recommended"].pk, w["impl_a"].pk)}
    a_tasks = queue(as_user(w["officer_a"]), case_type="MEASURE")
    b_tasks = queue(as_user(w["officer_b"]), case_type="MEASURE")
    assert len(a_tasks) == 2 and len(b_tasks) == 1
    assert {t["step"] for t in a_tasks + b_tasks} == {"respond"}
    assert all(t["due"] for t in a_tasks), "feedback is due within the MEASURE/feedback rule"


def test_draft_with_bad_input_gets_field_errors_and_writes_nothing(province, as_user):
    officer = as_user(province["officer"])
    response = officer.post("/api/v1/entries/", {"list_type": "nope", "subject": "91540102MA6T000000",
                                                 "facts": "", "reasons": "r"}, format="json")
    assert response.status_code == 400
    assert {"list_type", "subject", "facts"} <= set(response.json()["fields"])
    assert not ListEntry.objects.exists()
    english = as_user(province["officer"], language="en").post("/api/v1/entries/", {}, format="json").json()
    assert english["fields"]["facts"][0]["message"] == "This field is required."


def test_a_deadline_in_a_year_without_official_holiday_data_is_provisional_and_says_so(province, as_user):
    officer = as_user(province["officer"])
    entry = draft(officer, province)
    task = only_task(officer, "prior_notice")
    # 5 working days from 30 December 2026 fall in 2027, whose official schedule is not known:
    # the statutory calendar gives the date (1 January is 元旦) and the task says it is provisional.
    response = officer.post(f"/api/v1/tasks/{task['id']}/complete/", {"served_on": "2026-12-30"}, format="json")
    assert response.status_code == 200, response.json()
    statement = only_task(officer, "statement")
    assert statement["due"] == "2027-01-07" and statement["due_provisional"] is True
    detail = officer.get(f"/api/v1/tasks/{statement['id']}/").json()
    assert detail["due_computation"]["calendar_sources"]["2027"] == "provisional"
    assert ListEntry.objects.get(pk=entry["id"]).state == E.NOTICE_SENT


@time_machine.travel(dt.datetime(2026, 10, 10, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=True)
def test_a_decision_cannot_be_dated_in_the_future_or_before_the_prior_notice(province, as_user):
    officer, leader = as_user(province["officer"]), as_user(province["leader"])
    entry = draft(officer, province)
    complete(officer, only_task(officer, "prior_notice")["id"], {"served_on": "2026-09-01"})
    complete(officer, only_task(officer, "statement")["id"], {"statement": "无异议"})
    task = only_task(leader, "decision")["id"]
    tomorrow = "2026-10-11"  # the clock is pinned to 10 October 2026
    future = complete(leader, task, {"approve": True, "decision_date": tomorrow}, expect=400)
    assert future["fields"]["decision_date"][0]["code"] == "decision_date_future"
    early = complete(leader, task, {"approve": True, "decision_date": "2026-08-31"}, expect=400)
    assert early["fields"]["decision_date"][0]["code"] == "decision_date_before_notice"
    assert ListEntry.objects.get(pk=entry["id"]).decision_date is None  # nothing was written
    # 29 September is more than 3 working days back (the National Day week lies between): the date
    # starts the publication and repair periods, so recording it late needs the reason, audited.
    late = complete(leader, task, {"approve": True, "decision_date": "2026-09-29"}, expect=400)
    assert late["fields"]["dating_reason"][0]["code"] == "dating_reason_required"
    assert ListEntry.objects.get(pk=entry["id"]).decision_date is None
    complete(leader, task, {"approve": True, "decision_date": "2026-09-29", "dating_reason": "纸质决定书补录"})
    event = AuditEvent.objects.get(chain=f"cases.listentry:{entry['id']}", action="entry.decide")
    assert event.changes["dating_reason"] == [None, "纸质决定书补录"]
