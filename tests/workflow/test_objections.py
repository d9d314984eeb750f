"""Objections (domain.md §3): intake from every channel, acceptance (with the supplement pause),
verification by the data-providing unit within 20 days with the entry suspended meanwhile, the
three outcomes, withdrawal, deadlines, denials and the audit chain."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from cases.audit.models import AuditEvent
from cases.audit.verify import verify
from cases.models import ListEntry, MeasureExecution, ObjectionCase, RestorationTask
from cases.selectors.status import measures_due
from cases.services import objections as svc
from deadlines.calendar import count_working_days
from deadlines.rules import current_calendar
from letters.models import Letter
from tests.pdfs import minimal_pdf
from workflow import timers
from workflow.models import WorkItem

from .test_listing_through_the_api import complete, list_through_api, queue

pytestmark = pytest.mark.django_db
O, X = ObjectionCase.State, MeasureExecution.State
PDF = minimal_pdf("evidence")


@pytest.fixture
def active(province, as_user):
    entry = list_through_api(province, as_user)
    return ListEntry.objects.get(pk=entry["id"])


def file_on_portal(province, entry, grounds="欠薪金额有误，实际已于2026年2月全部支付", files=None):
    response = APIClient().post("/api/v1/public/objections/", {
        "subject": entry.subject.identifier, "entry": entry.pk, "grounds": grounds,
        "applicant_name": "张三", "applicant_contact": "13800000000",
        "attachments": files if files is not None else [SimpleUploadedFile("凭证.pdf", PDF, "application/pdf")],
    }, format="multipart")
    return response


def accept_via_queue(province, as_user, case_number):
    # No platform window in the test province: the listing unit checks acceptance.
    officer = as_user(province["officer"])
    task = [t for t in queue(officer, case_type="OBJECTION") if t["step"] == "acceptance"][0]
    complete(officer, task["id"], {"accept": True})


def test_portal_filing_gives_a_number_and_query_code_and_follows_the_case(province, active):
    response = file_on_portal(province, active)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("YY-") and len(body["query_code"]) == 8
    follow = APIClient().get(f"/api/v1/public/objections/{body['number']}/", {"code": body["query_code"]})
    assert follow.status_code == 200 and follow.json()["state"] == O.SUBMITTED
    wrong = APIClient().get(f"/api/v1/public/objections/{body['number']}/", {"code": "WRONGCODE"})
    assert wrong.status_code == 404
    case = ObjectionCase.objects.get(number=body["number"])
    attachment = case and __import__("cases.services.intake", fromlist=["x"]).attachments_of(case).get()
    import hashlib
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest() and attachment.content_type == "application/pdf"


def test_bad_attachments_are_refused_and_nothing_is_written(province, active):
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = file_on_portal(province, active, files=[fake])
    assert response.status_code == 400
    assert response.json()["fields"]["attachments"][0]["code"] == "file_type"
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024), "application/pdf")
    assert file_on_portal(province, active, files=[big]).json()["fields"]["attachments"][0]["code"] == "too_large"
    assert not ObjectionCase.objects.exists()


def test_an_entry_number_of_another_subject_is_refused_as_not_found(province, active):
    response = APIClient().post("/api/v1/public/objections/", {
        "subject": "91110000MA01ABCD1X", "entry": active.pk, "grounds": "不是我的条目",
        "applicant_name": "张三", "applicant_contact": "13800000000",
    }, format="multipart")
    assert response.status_code == 400
    assert response.json()["fields"]["entry"][0]["code"] == "entry_not_found"
    assert not ObjectionCase.objects.exists()


def test_wrong_query_codes_are_rate_limited(province, active):
    number = file_on_portal(province, active).json()["number"]
    client = APIClient()
    codes = [client.get(f"/api/v1/public/objections/{number}/", {"code": f"BAD{i:05d}"}).status_code for i in range(70)]
    assert 429 in codes, "guessing query codes is throttled"


def test_accepting_suspends_the_entry_and_the_status_check_stops_listing_its_measures(province, as_user, active):
    assert measures_due(unit=province["impl_a"], subject=active.subject)
    number = file_on_portal(province, active).json()["number"]
    accept_via_queue(province, as_user, number)
    case = ObjectionCase.objects.get(number=number)
    assert case.state == O.VERIFYING
    active.refresh_from_db()
    assert active.state == ListEntry.State.SUSPENDED
    assert measures_due(unit=province["impl_a"], subject=active.subject) == []
    assert set(MeasureExecution.objects.filter(entry=active).values_list("state", flat=True)) == {X.SUSPENDED}
    public = APIClient().get("/api/v1/public/entries/", {"q": active.subject.identifier}).json()
    assert "异议处理中" in str(public)
    tasks = queue(as_user(province["officer"]), case_type="OBJECTION", step="verification")
    assert tasks and tasks[0]["unit"] == province["listing"].code, "the data-providing unit verifies"
    types = set(Letter.objects.filter(case_ref=number).values_list("letter_type", flat=True))
    assert types == {"OBJECTION_ACCEPTED", "VERIFICATION_NOTICE"}


def test_verification_due_20_days_after_receipt_rolls_past_a_holiday(province, active):
    case, _ = svc.objection_file(channel="PORTAL", entry=active, grounds="g", applicant_name="a", applicant_contact="c")
    svc.objection_accept(actor=province["officer"], case=case, today=dt.date(2026, 9, 13))
    case.refresh_from_db()
    # 13 September + 20 days = 3 October, inside the National Day holiday: due Thursday 8 October.
    assert case.verification_due == dt.date(2026, 10, 8)
    assert case.deadlines["verification"]["shifted"]


def test_a_supplement_pause_moves_the_acceptance_deadline_by_the_paused_days(province, active):
    case, _ = svc.objection_file(channel="PORTAL", entry=active, grounds="g", applicant_name="a", applicant_contact="c")
    case.refresh_from_db()
    filed = timezone.localdate(case.filed_at)  # the Beijing date, as the services count it
    original = case.acceptance_due
    svc.objection_request_supplement(actor=province["officer"], case=case, materials=["营业执照复印件"], today=filed)
    task = WorkItem.objects.get(object_id=case.pk, object_type="cases.objectioncase", step="acceptance")
    assert task.paused_at is not None
    with pytest.raises(Exception):
        svc.objection_request_supplement(actor=province["officer"], case=case, materials=["再次补正"], today=filed)
    svc.objection_supplement(case=case, files=[SimpleUploadedFile("a.pdf", PDF)], today=filed + dt.timedelta(days=5))
    case.refresh_from_db()
    assert case.state == O.SUBMITTED
    # The acceptance period counts working days, so the pause adds the working days in it.
    assert case.deadlines["acceptance"]["paused_days"] == count_working_days(
        filed, filed + dt.timedelta(days=5), current_calendar()) > 0
    assert case.acceptance_due > original
    task.refresh_from_db()
    assert task.paused_at is None and task.due == case.acceptance_due


def test_overdue_verification_escalates_once_and_the_suspension_stays(province, as_user, active):
    case, _ = svc.objection_file(channel="PORTAL", entry=active, grounds="g", applicant_name="a", applicant_contact="c")
    svc.objection_accept(actor=province["officer"], case=case, today=dt.date(2026, 9, 1))
    case.refresh_from_db()
    WorkItem.objects.filter(object_id=case.pk, object_type="cases.objectioncase").update(due=case.verification_due)
    late = case.verification_due + dt.timedelta(days=1)
    assert timers.escalate_overdue(today=late) == 1
    assert timers.escalate_overdue(today=late + dt.timedelta(days=1)) == 0
    active.refresh_from_db()
    assert active.state == ListEntry.State.SUSPENDED
    event = AuditEvent.objects.get(action="task.escalate", chain=f"cases.objectioncase:{case.pk}")
    assert event.changes["overdue_unit"][1] == province["listing"].code


def conclude_and_approve(province, as_user, outcome, findings="经核查", corrections=None):
    officer, leader = as_user(province["officer"]), as_user(province["leader"])
    task = queue(officer, case_type="OBJECTION", step="verification")[0]
    data = {"outcome": outcome, "findings": findings}
    if corrections:
        data["corrections"] = corrections
    complete(officer, task["id"], data)
    complete(leader, queue(leader, case_type="OBJECTION", step="approval")[0]["id"], {"approve": True})


def test_revoked_removes_lifts_and_restores_only_where_applied(province, as_user, active):
    a = as_user(province["officer_a"])
    respond = [t for t in queue(a, step="respond")]
    complete(a, respond[0]["id"])
    applied = MeasureExecution.objects.get(pk=respond[0]["case"]["id"])
    feedback = queue(a, step="feedback")[0]
    complete(a, feedback["id"], {"applied": True, "note": "已限制"} if applied.measure.mandatory
             else {"applied": True, "note": "已限制"})
    number = file_on_portal(province, active).json()["number"]
    accept_via_queue(province, as_user, number)
    conclude_and_approve(province, as_user, "REVOKED", findings="认定事实错误")
    active.refresh_from_db()
    assert (active.state, active.removal_reason) == (ListEntry.State.REMOVED, "REVOKED")
    assert set(MeasureExecution.objects.filter(entry=active).values_list("state", flat=True)) == {X.LIFT_PENDING}
    assert list(RestorationTask.objects.filter(entry=active).values_list("unit_id", flat=True)) == [province["impl_a"].pk]
    assert ObjectionCase.objects.get(number=number).state == O.CLOSED
    assert Letter.objects.filter(case_ref=number, letter_type="OBJECTION_RESULT").exists()
    assert verify().ok


def test_upheld_restores_exactly_the_executions_that_were_active(province, as_user, active):
    a = as_user(province["officer_a"])
    complete(a, queue(a, step="respond")[0]["id"])
    before = dict(MeasureExecution.objects.filter(entry=active).values_list("pk", "state"))
    number = file_on_portal(province, active).json()["number"]
    accept_via_queue(province, as_user, number)
    conclude_and_approve(province, as_user, "UPHELD", findings="信息准确")
    assert dict(MeasureExecution.objects.filter(entry=active).values_list("pk", "state")) == before
    active.refresh_from_db()
    assert active.state == ListEntry.State.ACTIVE
    assert measures_due(unit=province["impl_a"], subject=active.subject)


def test_corrected_records_old_and_new_in_the_audit_chain(province, as_user, active):
    old = active.facts
    number = file_on_portal(province, active).json()["number"]
    accept_via_queue(province, as_user, number)
    conclude_and_approve(province, as_user, "CORRECTED", findings="金额有误", corrections={"facts": "拖欠金额12.6万元"})
    event = AuditEvent.objects.get(chain=f"cases.listentry:{active.pk}", action="entry.correct")
    assert event.changes["facts"] == [old, "拖欠金额12.6万元"]
    active.refresh_from_db()
    assert active.state == ListEntry.State.ACTIVE and active.facts == "拖欠金额12.6万元"


def test_only_the_data_providing_units_staff_conclude(province, as_user, active):
    number = file_on_portal(province, active).json()["number"]
    accept_via_queue(province, as_user, number)
    task = queue(as_user(province["officer"]), case_type="OBJECTION", step="verification")[0]
    for who in ("officer_a", "outsider", "lead_officer"):
        response = as_user(province[who]).post(f"/api/v1/tasks/{task['id']}/complete/",
                                               {"outcome": "REVOKED", "findings": "x"}, format="json")
        assert response.status_code == 403, who
    case = ObjectionCase.objects.get(number=number)
    with pytest.raises(Exception):
        svc.objection_conclude(actor=province["officer_a"], case=case, outcome="REVOKED", findings="x")
    assert ObjectionCase.objects.get(number=number).state == O.VERIFYING


def test_withdrawal_before_the_conclusion_ends_the_suspension(province, as_user, active):
    body = file_on_portal(province, active).json()
    accept_via_queue(province, as_user, body["number"])
    response = APIClient().post(f"/api/v1/public/objections/{body['number']}/withdraw/",
                                {"code": body["query_code"], "reason": "已与认定部门沟通清楚"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == O.WITHDRAWN
    active.refresh_from_db()
    assert active.state == ListEntry.State.ACTIVE
    assert not WorkItem.objects.filter(object_type="cases.objectioncase", is_open=True).exists()


def test_two_objections_keep_the_entry_suspended_until_the_last_ends(province, as_user, active):
    first = file_on_portal(province, active, grounds="金额有误").json()
    second = file_on_portal(province, active, grounds="主体名称有误").json()
    officer = as_user(province["officer"])
    for task in queue(officer, case_type="OBJECTION", step="acceptance"):
        complete(officer, task["id"], {"accept": True})
    APIClient().post(f"/api/v1/public/objections/{first['number']}/withdraw/", {"code": first["query_code"],
                                                                                 "reason": "撤回"}, format="json")
    active.refresh_from_db()
    assert active.state == ListEntry.State.SUSPENDED, "the second verification still runs"
    APIClient().post(f"/api/v1/public/objections/{second['number']}/withdraw/", {"code": second["query_code"],
                                                                                  "reason": "撤回"}, format="json")
    active.refresh_from_db()
    assert active.state == ListEntry.State.ACTIVE


def test_the_same_grounds_twice_are_refused_with_a_reason(province, active):
    assert file_on_portal(province, active, grounds="金额有误").status_code == 201
    response = file_on_portal(province, active, grounds="金额 有误")
    assert response.status_code == 400 and response.json()["code"] == "duplicate_objection"


def test_chase_ups_are_logged_counted_and_limited_to_one_per_working_day(province, active):
    body = file_on_portal(province, active).json()
    url = f"/api/v1/public/objections/{body['number']}/chase-up/"
    first = APIClient().post(url, {"code": body["query_code"], "note": "请尽快处理"}, format="json")
    assert first.status_code == 200 and first.json()["chase_up_count"] == 1
    again = APIClient().post(url, {"code": body["query_code"]}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "chase_up_limit"
    case = ObjectionCase.objects.get(number=body["number"])
    assert AuditEvent.objects.filter(chain=f"cases.objectioncase:{case.pk}", action="case.chase_up").count() == 1


def test_one_extension_with_a_reason_by_the_verifying_leader(province, as_user, active):
    number = file_on_portal(province, active).json()["number"]
    accept_via_queue(province, as_user, number)
    case = ObjectionCase.objects.get(number=number)
    url = f"/api/v1/objections/{case.pk}/extend/"
    assert as_user(province["officer"]).post(url, {"days": 10, "reason": "需调取档案"}, format="json").status_code == 403
    response = as_user(province["leader"]).post(url, {"days": 10, "reason": "需调取档案"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["verification_due"] > case.verification_due.isoformat()
    again = as_user(province["leader"]).post(url, {"days": 5, "reason": "再延"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_extended"
    task = queue(as_user(province["officer"]), case_type="OBJECTION", step="verification")[0]
    assert task["due"] == response.json()["verification_due"]


def test_implementing_unit_reports_wrong_information_and_others_cannot(province, as_user, active):
    body = {"entry": active.pk, "channel": "IMPLEMENTING_UNIT", "grounds": "执行中发现主体已注销",
            "applicant_name": "某实施部门", "applicant_contact": "0891-0000000"}
    assert as_user(province["officer_a"]).post("/api/v1/objections/", body, format="json").status_code == 201
    body["grounds"] = "另一理由"
    response = as_user(province["outsider"]).post("/api/v1/objections/", body, format="json")
    assert response.status_code == 403 and response.json()["code"] == "not_implementing_unit"


def test_staff_see_only_objections_in_their_scope(province, as_user, active):
    body = file_on_portal(province, active).json()
    case = ObjectionCase.objects.get(number=body["number"])
    assert as_user(province["officer"]).get(f"/api/v1/objections/{case.pk}/").status_code == 200
    assert as_user(province["auditor"]).get(f"/api/v1/objections/{case.pk}/").status_code == 200
    assert as_user(province["outsider"]).get(f"/api/v1/objections/{case.pk}/").status_code == 404
    assert as_user(province["outsider"]).get("/api/v1/objections/").json()["results"] == []


def test_not_accepted_closes_with_a_letter_and_keeps_the_entry(province, as_user, active):
    number = file_on_portal(province, active).json()["number"]
    officer = as_user(province["officer"])
    task = queue(officer, case_type="OBJECTION", step="acceptance")[0]
    body = complete(officer, task["id"], {"accept": False}, expect=400)
    assert {"reasons", "basis"} <= set(body["fields"])
    complete(officer, task["id"], {"accept": False, "reasons": "异议事项不属于本平台受理范围",
                                   "basis": "《信用信息异议处理办法》第五条"})
    assert ObjectionCase.objects.get(number=number).state == O.NOT_ACCEPTED
    assert Letter.objects.filter(case_ref=number, letter_type="OBJECTION_NOT_ACCEPTED").exists()
    active.refresh_from_db()
    assert active.state == ListEntry.State.ACTIVE
    actions = list(AuditEvent.objects.filter(chain=f"cases.objectioncase:{ObjectionCase.objects.get(number=number).pk}")
                   .values_list("action", flat=True))
    assert actions[0] == "objection.file" and "objection.refuse" in actions
    assert verify().ok
