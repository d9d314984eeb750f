"""The measures loop through implementing units' queues (domain.md §2): respond → feedback,
paused while the entry is suspended, replaced by lift confirmations on removal, and a restoration
task for each unit that applied a measure when the entry is revoked."""

import pytest

from cases.models import ListEntry, MeasureExecution, RestorationTask
from cases.services import entries as svc

from .test_listing_through_the_api import complete, list_through_api, queue

pytestmark = pytest.mark.django_db
X = MeasureExecution.State


@pytest.fixture
def active(province, as_user):
    entry = list_through_api(province, as_user)
    return ListEntry.objects.get(pk=entry["id"])


def task_for_measure(client, measure, step):
    tasks = [t for t in queue(client, case_type="MEASURE", step=step)
             if MeasureExecution.objects.get(pk=t["case"]["id"]).measure_id == measure.pk]
    assert len(tasks) == 1, tasks
    return tasks[0]


def test_respond_then_report_applied(province, as_user, active):
    client = as_user(province["officer_a"])
    complete(client, task_for_measure(client, province["mandatory"], "respond")["id"])
    task = task_for_measure(client, province["mandatory"], "feedback")
    complete(client, task["id"], {"applied": True, "note": "暂停其政府采购投标资格"})
    execution = MeasureExecution.objects.get(pk=task["case"]["id"])
    assert execution.state == X.APPLIED and execution.applied_note == "暂停其政府采购投标资格"


def test_a_mandatory_measure_cannot_be_reported_not_applied(province, as_user, active):
    client = as_user(province["officer_a"])
    complete(client, task_for_measure(client, province["mandatory"], "respond")["id"])
    task = task_for_measure(client, province["mandatory"], "feedback")
    body = complete(client, task["id"], {"applied": False, "reason": "不适用"}, expect=400)
    assert body["code"] == "measure_mandatory"
    assert task_for_measure(client, province["mandatory"], "feedback")["status"] in ("NEW", "ASSIGNED")
    assert MeasureExecution.objects.get(pk=task["case"]["id"]).state == X.ACKNOWLEDGED


def test_a_recommended_measure_not_applied_needs_a_reason(province, as_user, active):
    client = as_user(province["officer_a"])
    complete(client, task_for_measure(client, province["recommended"], "respond")["id"])
    task = task_for_measure(client, province["recommended"], "feedback")
    complete(client, task["id"], {"applied": False}, expect=400)
    complete(client, task["id"], {"applied": False, "reason": "该主体本年度无评优申请"})
    assert MeasureExecution.objects.get(pk=task["case"]["id"]).state == X.NOT_APPLIED


def test_suspension_pauses_every_measure_task_and_resumption_resumes_them(province, as_user, active):
    client = as_user(province["officer_a"])
    svc.entry_suspend(actor=None, entry=active, reason="异议核查中")
    tasks = queue(client, case_type="MEASURE")
    assert tasks and all(t["paused"] for t in tasks)
    body = complete(client, tasks[0]["id"], expect=409)
    assert body["code"] == "task_paused"
    assert not MeasureExecution.objects.filter(entry=active).exclude(state=X.SUSPENDED).exists()
    svc.entry_resume(actor=None, entry=active, reason="核查维持")
    assert not any(t["paused"] for t in queue(client, case_type="MEASURE"))
    complete(client, tasks[0]["id"])


def test_removal_replaces_measure_tasks_by_lift_confirmations(province, as_user, active):
    a, b = as_user(province["officer_a"]), as_user(province["officer_b"])
    leader = as_user(province["leader"])
    response = leader.post(f"/api/v1/entries/{active.pk}/remove/",
                           {"removal_reason": "ANNULLED", "reason": "行政复议决定撤销"}, format="json")
    assert response.status_code == 200, response.json()
    assert {t["step"] for t in queue(a, case_type="MEASURE")} == {"lift"}
    assert len(queue(a, step="lift")) == 2 and len(queue(b, step="lift")) == 1
    for client in (a, b):
        for task in queue(client, step="lift"):
            complete(client, task["id"])
    assert set(MeasureExecution.objects.filter(entry=active).values_list("state", flat=True)) == {X.LIFTED}


def test_only_the_listing_units_leader_removes_by_decision(province, as_user, active):
    for who in ("officer", "outsider_leader", "officer_a"):
        response = as_user(province[who]).post(f"/api/v1/entries/{active.pk}/remove/",
                                               {"removal_reason": "ANNULLED", "reason": "x"}, format="json")
        assert response.status_code in (403, 404), who
    response = as_user(province["leader"]).post(f"/api/v1/entries/{active.pk}/remove/",
                                                {"removal_reason": "EXPIRED", "reason": "x"}, format="json")
    assert response.status_code == 400 and "removal_reason" in response.json()["fields"]
    assert ListEntry.objects.get(pk=active.pk).state == ListEntry.State.ACTIVE


def test_revocation_after_application_opens_a_restoration_task_for_the_unit_that_applied(province, as_user, active):
    a = as_user(province["officer_a"])
    complete(a, task_for_measure(a, province["mandatory"], "respond")["id"])
    complete(a, task_for_measure(a, province["mandatory"], "feedback")["id"], {"applied": True, "note": "已限制"})
    as_user(province["leader"]).post(f"/api/v1/entries/{active.pk}/remove/",
                                     {"removal_reason": "REVOKED", "reason": "认定错误"}, format="json")
    tasks = queue(a, step="restoration")
    assert len(tasks) == 1 and queue(as_user(province["officer_b"]), step="restoration") == []
    complete(a, tasks[0]["id"], {"note": "已在本单位网站发布更正说明"})
    assert RestorationTask.objects.get(unit=province["impl_a"]).state == RestorationTask.State.DONE


def test_correction_records_old_and_new_and_is_refused_to_other_units(province, as_user, active):
    response = as_user(province["outsider"]).post(f"/api/v1/entries/{active.pk}/correct/",
                                                  {"facts": "x", "reason": "y"}, format="json")
    assert response.status_code == 404
    response = as_user(province["officer"]).post(f"/api/v1/entries/{active.pk}/correct/",
                                                 {"facts": "更正后的事实", "reason": "笔误"}, format="json")
    assert response.status_code == 200 and response.json()["facts"] == "更正后的事实"
    response = as_user(province["officer"]).post(f"/api/v1/entries/{active.pk}/correct/", {"reason": "x"}, format="json")
    assert response.status_code == 400


def test_implementing_unit_sees_only_its_own_executions(province, as_user, active):
    a = as_user(province["officer_a"])
    detail = a.get(f"/api/v1/entries/{active.pk}/").json()
    assert {e["unit"] for e in detail["executions"]} == {province["impl_a"].code}
    listing = as_user(province["officer"]).get(f"/api/v1/entries/{active.pk}/").json()
    assert len(listing["executions"]) == 3
    assert {e["unit"] for e in a.get("/api/v1/executions/").json()["results"]} == {province["impl_a"].code}


def test_measure_tasks_resume_with_the_time_they_had_left(province, as_user):
    """A suspension stops the measure tasks' clocks; on resumption each is due later by the days
    it was stopped (the feedback rule counts months, so calendar days), like the objection's own."""
    import datetime as dt
    import zoneinfo

    import time_machine

    from cases.models import ListEntry
    from tests.workflow.test_listing_through_the_api import list_through_api
    from workflow.models import WorkItem

    beijing = zoneinfo.ZoneInfo("Asia/Shanghai")
    with time_machine.travel(dt.datetime(2026, 10, 12, 10, 0, tzinfo=beijing), tick=False) as clock:
        entry = ListEntry.objects.get(pk=list_through_api(province, as_user)["id"])
        feedback = WorkItem.objects.filter(case_type="MEASURE", step="respond", is_open=True)
        # Pushed on 12 October: feedback within a month, Thursday 12 November.
        assert {w.due for w in feedback} == {dt.date(2026, 11, 12)}
        clock.move_to(dt.datetime(2026, 10, 20, 10, 0, tzinfo=beijing))
        svc.entry_suspend(actor=None, entry=entry, reason="异议核查中")
        clock.move_to(dt.datetime(2026, 10, 30, 10, 0, tzinfo=beijing))
        svc.entry_resume(actor=None, entry=ListEntry.objects.get(pk=entry.pk), reason="核查维持")
    # Stopped from 20 to 30 October: 10 days more, 22 November is a Sunday, so Monday 23 November.
    resumed = WorkItem.objects.filter(case_type="MEASURE", step="respond", is_open=True)
    assert {w.due for w in resumed} == {dt.date(2026, 11, 23)}
    assert all(w.paused_at is None and w.due_computation["paused_days"] == 10 for w in resumed)


def test_the_validity_is_corrected_only_by_the_leader_and_never_into_the_past(province, as_user, active):
    import datetime as dt
    import zoneinfo

    import time_machine

    today = dt.date(2026, 12, 4)
    with time_machine.travel(dt.datetime(2026, 12, 4, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=True):
        _correct_validity(province, as_user, active, today)


def _correct_validity(province, as_user, active, today):
    import datetime as dt

    officer = as_user(province["officer"]).post(f"/api/v1/entries/{active.pk}/correct/",
                                                {"valid_until": today.isoformat(), "reason": "提前结束"}, format="json")
    assert officer.status_code == 403 and officer.json()["code"] == "leader_required"
    leader = as_user(province["leader"])
    past = leader.post(f"/api/v1/entries/{active.pk}/correct/",
                       {"valid_until": today.isoformat(), "reason": "提前结束"}, format="json")
    assert past.status_code == 400 and past.json()["fields"]["valid_until"][0]["code"] == "valid_until_not_future"
    later = (today + dt.timedelta(days=400)).isoformat()
    fine = leader.post(f"/api/v1/entries/{active.pk}/correct/", {"valid_until": later, "reason": "依复议决定更正"},
                       format="json")
    assert fine.status_code == 200 and fine.json()["valid_until"] == later
