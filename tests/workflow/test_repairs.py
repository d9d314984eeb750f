"""Credit repair (domain.md §4, issue 5): filing with a case number and query code, acceptance in 3
working days (supplement pause), review by the listing unit (officer proposes, leader decides,
verification of performance by another unit), approval removing the entry and lifting every
measure, rejection, one extension, revocation for false material, letters, denials, audit."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from cases.audit.models import AuditEvent
from cases.audit.verify import verify
from cases.errors import Forbidden
from cases.models import ListEntry, MeasureExecution, RepairCase
from cases.selectors.status import measures_due
from cases.services import intake
from cases.services import repairs as svc
from letters.models import Letter
from workflow.models import WorkItem

from .repair_helpers import (  # noqa: F401 (fixtures)
    PDF, accept, approve_through_queue, decide, file_repair, filed, pdf, propose, recent, repairable, step,
)
from .test_listing_through_the_api import complete, queue

pytestmark = pytest.mark.django_db
R, X, E = RepairCase.State, MeasureExecution.State, ListEntry.State


def case_of(body) -> RepairCase:
    return RepairCase.objects.get(number=body["number"])


def letter_types(number) -> set:
    return set(Letter.objects.filter(case_ref=number).values_list("letter_type", flat=True))


# --- filing and following ------------------------------------------------------------------------

def test_portal_filing_gives_a_number_and_query_code_and_only_that_code_follows_it(province, repairable):
    body = filed(repairable)
    assert body["number"].startswith("XF-") and len(body["query_code"]) == 8
    follow = APIClient().get(f"/api/v1/public/repairs/{body['number']}/", {"code": body["query_code"]})
    assert follow.status_code == 200 and follow.json()["state"] == R.SUBMITTED
    assert {a["kind"] for a in follow.json()["attachments"]} == {"PROOF", "COMMITMENT"}
    assert APIClient().get(f"/api/v1/public/repairs/{body['number']}/", {"code": "WRONG234"}).status_code == 404
    case = case_of(body)
    import hashlib
    assert all(a.sha256 == hashlib.sha256(PDF).hexdigest() for a in intake.attachments_of(case))
    assert case.deciding_unit == province["listing"], "谁认定、谁修复"
    assert AuditEvent.objects.filter(chain=f"cases.listentry:{repairable.pk}", action="entry.repair_filed").exists()


def test_an_applicant_cannot_follow_another_applicants_case_with_their_own_code(province, as_user, repairable):
    mine = filed(repairable)
    svc.repair_withdraw(case=case_of(mine), reason="撤回")
    other = filed(repairable)
    response = APIClient().get(f"/api/v1/public/repairs/{other['number']}/", {"code": mine["query_code"]})
    assert response.status_code == 404
    response = APIClient().post(f"/api/v1/public/repairs/{other['number']}/withdraw/",
                                {"code": mine["query_code"], "reason": "x"}, format="json")
    assert response.status_code == 404 and case_of(other).state == R.SUBMITTED


def test_bad_attachments_are_refused_and_nothing_is_written(province, repairable):
    from django.core.files.uploadedfile import SimpleUploadedFile
    fake = SimpleUploadedFile("proof.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = APIClient().post("/api/v1/public/repairs/", {
        "subject": repairable.subject.identifier, "entry": repairable.pk, "performance": "已履行",
        "applicant_name": "张三", "applicant_contact": "138", "proof": [fake]}, format="multipart")
    assert response.status_code == 400 and response.json()["fields"]["attachments"][0]["code"] == "file_type"
    assert not RepairCase.objects.exists()


def test_without_a_commitment_the_form_is_issued_and_acceptance_waits_for_the_signed_one(province, as_user,
                                                                                        repairable):
    body = filed(repairable, commitment=False)
    assert "COMMITMENT" in letter_types(body["number"])
    commitment = Letter.objects.get(case_ref=body["number"], letter_type="COMMITMENT")
    assert commitment.document_number == "" and "信用修复申请材料真实" in str(commitment.context["commitments"])
    officer = as_user(province["officer"])
    task = step(officer, "acceptance")
    refused = complete(officer, task["id"], {"accept": True}, expect=400)
    assert refused["code"] == "materials_missing"
    assert [f["code"] for f in refused["fields"]["materials"]] == ["missing_commitment"]
    response = APIClient().post(f"/api/v1/public/repairs/{body['number']}/material/",
                                {"code": body["query_code"], "commitment": [pdf("承诺书.pdf")]}, format="multipart")
    assert response.status_code == 200 and response.json()["state"] == R.SUBMITTED
    complete(officer, task["id"], {"accept": True})
    assert case_of(body).state == R.ACCEPTED


# --- deadlines ----------------------------------------------------------------------------------

def test_acceptance_and_decision_are_counted_in_working_days_across_national_day_and_its_make_up_day(
        province, repairable):
    case, _code = svc.repair_file(channel="PORTAL", entry=repairable, performance="已履行", applicant_name="a",
                                  applicant_contact="c", proof=[pdf()], commitment=[pdf()],
                                  today=dt.date(2026, 9, 30))
    # Filed Wednesday 30 September; 1-7 October is the National Day holiday and Saturday 10 October a
    # make-up working day (调休): 3 working days are 8, 9 and 10 October.
    assert case.acceptance_due == dt.date(2026, 10, 10)
    assert case.deadlines["acceptance"]["unit"] == "WORKING_DAYS"
    assert case.deadlines["acceptance"]["holidays_crossed"]
    # 10 working days of applying: 8, 9, 10, 12-16, 19, 20 October.
    assert case.decision_due == dt.date(2026, 10, 20)
    task = WorkItem.objects.get(object_type="cases.repaircase", object_id=case.pk, step="acceptance")
    assert task.due == dt.date(2026, 10, 10) and task.due_unit == "WORKING_DAYS"


def test_a_supplement_stops_both_clocks_and_moves_them_by_the_paused_working_days(province, repairable):
    case, _code = svc.repair_file(channel="PORTAL", entry=repairable, performance="已履行", applicant_name="a",
                                  applicant_contact="c", proof=[pdf()], commitment=[pdf()],
                                  today=dt.date(2026, 9, 30))
    svc.repair_request_supplement(actor=province["officer"], case=case, materials=["完税证明原件扫描件"],
                                  today=dt.date(2026, 10, 8))
    task = WorkItem.objects.get(object_type="cases.repaircase", object_id=case.pk, step="acceptance")
    assert task.paused_at is not None
    with pytest.raises(Exception):
        svc.repair_request_supplement(actor=province["officer"], case=case, materials=["再次补正"],
                                      today=dt.date(2026, 10, 8))
    assert "REPAIR_SUPPLEMENT" in letter_types(case.number)
    svc.repair_submit_material(case=case, files=[pdf("补正.pdf")], today=dt.date(2026, 10, 13))
    case.refresh_from_db()
    # Paused (8 Oct, 13 Oct]: 9, 10 (make-up Saturday), 12 and 13 October = 4 working days.
    assert case.state == R.SUBMITTED
    assert case.deadlines["acceptance"]["paused_days"] == case.deadlines["decision"]["paused_days"] == 4
    assert case.acceptance_due == dt.date(2026, 10, 15)
    assert case.decision_due == dt.date(2026, 10, 26)
    task.refresh_from_db()
    assert task.paused_at is None and task.due == case.acceptance_due
    assert "SUPPLEMENT" in set(intake.attachments_of(case).values_list("kind", flat=True))


def test_one_extension_with_notice_by_the_listing_leader(province, as_user, repairable):
    body = filed(repairable)
    accept(province, as_user)
    case = case_of(body)
    url = f"/api/v1/repairs/{case.pk}/extend/"
    assert as_user(province["officer"]).post(url, {"days": 5, "reason": "需向税务部门核实"},
                                             format="json").status_code == 403
    assert as_user(province["leader"]).post(url, {"days": 30, "reason": "x"}, format="json").status_code == 400
    response = as_user(province["leader"]).post(url, {"days": 5, "reason": "需向税务部门核实"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["decision_due"] > case.decision_due.isoformat()
    again = as_user(province["leader"]).post(url, {"days": 2, "reason": "再延"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_extended"
    assert step(as_user(province["officer"]), "review")["due"] == response.json()["decision_due"]
    public = APIClient().get(f"/api/v1/public/repairs/{body['number']}/", {"code": body["query_code"]}).json()
    assert public["extension_reason"] == "需向税务部门核实" and public["decision_due"] == response.json()["decision_due"]


# --- acceptance, review, decision --------------------------------------------------------------

def test_not_accepted_closes_with_a_letter_and_keeps_the_entry(province, as_user, repairable):
    body = filed(repairable)
    officer = as_user(province["officer"])
    task = step(officer, "acceptance")
    assert {"reasons", "basis"} <= set(complete(officer, task["id"], {"accept": False}, expect=400)["fields"])
    complete(officer, task["id"], {"accept": False, "reasons": "履行义务的证明材料与事实不符",
                                   "basis": "《信用修复管理办法》第十条"})
    assert case_of(body).state == R.NOT_ACCEPTED
    assert "REPAIR_NOT_ACCEPTED" in letter_types(body["number"])
    repairable.refresh_from_db()
    assert repairable.state == E.ACTIVE


def test_approval_removes_the_entry_and_the_status_check_stops_listing_its_measures(province, as_user,
                                                                                 repairable):
    assert measures_due(unit=province["impl_a"], subject=repairable.subject)
    body = filed(repairable)
    approve_through_queue(province, as_user)
    repairable.refresh_from_db()
    assert (repairable.state, repairable.removal_reason) == (E.REMOVED, "REPAIRED")
    assert measures_due(unit=province["impl_a"], subject=repairable.subject) == []
    assert measures_due(unit=province["impl_b"], subject=repairable.subject) == []
    assert set(MeasureExecution.objects.filter(entry=repairable).values_list("state", flat=True)) == {X.LIFT_PENDING}
    case = case_of(body)
    assert (case.state, case.outcome, case.decided_by) == (R.APPROVED, "APPROVED", province["leader"])
    assert {"REPAIR_ACCEPTED", "REPAIR_APPROVED"} <= letter_types(body["number"])
    assert Letter.objects.filter(case_chain=f"cases.listentry:{repairable.pk}", letter_type="REMOVAL_DECISION").exists()
    public = APIClient().get("/api/v1/public/entries/", {"q": repairable.subject.identifier}).json()
    assert repairable.subject.name not in str(public), "removed entries leave public view at once"


def test_each_implementing_unit_gets_a_lift_task_and_the_case_shows_who_has_not_confirmed(province, as_user,
                                                                                         repairable):
    body = filed(repairable)
    approve_through_queue(province, as_user)
    case = case_of(body)
    detail = as_user(province["officer"]).get(f"/api/v1/repairs/{case.pk}/").json()
    assert detail["lifts_not_confirmed"] == sorted([province["impl_a"].code, province["impl_b"].code])
    a, b = as_user(province["officer_a"]), as_user(province["officer_b"])
    lifts_a, lifts_b = queue(a, step="lift"), queue(b, step="lift")
    assert len(lifts_a) == 2 and len(lifts_b) == 1, "one per (measure, implementing unit)"
    for task in lifts_a:
        complete(a, task["id"])
    detail = as_user(province["officer"]).get(f"/api/v1/repairs/{case.pk}/").json()
    assert detail["lifts_not_confirmed"] == [province["impl_b"].code] and detail["state"] == R.APPROVED
    complete(b, lifts_b[0]["id"])
    detail = as_user(province["officer"]).get(f"/api/v1/repairs/{case.pk}/").json()
    assert detail["lifts_not_confirmed"] == [] and detail["state"] == R.CLOSED
    assert set(MeasureExecution.objects.filter(entry=repairable).values_list("state", flat=True)) == {X.LIFTED}
    assert verify().ok


def test_rejection_needs_reasons_and_its_letter_states_the_remedies(province, as_user, repairable):
    body = filed(repairable)
    accept(province, as_user)
    propose(province, as_user, proposal="REJECT", findings="滞纳金尚未缴清")
    assert "reasons" in decide(province, as_user, "REJECT", expect=400)["fields"]
    decide(province, as_user, "REJECT", reasons="滞纳金尚未缴清，未完全履行法定义务",
           earliest_reapply_on="2026-12-31")
    case = case_of(body)
    assert (case.state, case.outcome, case.earliest_reapply_on) == (R.REJECTED, "REJECTED", dt.date(2026, 12, 31))
    letter = Letter.objects.get(case_ref=body["number"], letter_type="REPAIR_REJECTED")
    assert letter.spec.is_adverse(letter.context) and letter.context["earliest_repair_date"] == "2026-12-31"
    repairable.refresh_from_db()
    assert repairable.state == E.ACTIVE and measures_due(unit=province["impl_a"], subject=repairable.subject)


def test_the_leader_may_send_the_proposal_back_to_the_officer(province, as_user, repairable):
    body = filed(repairable)
    accept(province, as_user)
    propose(province, as_user)
    decide(province, as_user, "SEND_BACK", reasons="请补充核实滞纳金缴纳情况")
    assert case_of(body).state == R.ACCEPTED
    propose(province, as_user, findings="已补充核实")
    decide(province, as_user)
    assert case_of(body).state == R.APPROVED


def test_verification_of_performance_is_a_task_of_the_unit_asked(province, as_user, repairable):
    body = filed(repairable)
    accept(province, as_user)
    officer = as_user(province["officer"])
    complete(officer, step(officer, "review")["id"], {"action": "VERIFY", "verification_unit": province["impl_a"].code,
                                                      "request": "请核实申请人是否已缴清税款"})
    task = step(as_user(province["officer_a"]), "performance_check")
    assert task["unit"] == province["impl_a"].code
    for who in ("outsider", "officer_b", "officer"):
        response = as_user(province[who]).post(f"/api/v1/tasks/{task['id']}/complete/",
                                               {"performed": True, "findings": "x"}, format="json")
        assert response.status_code == 403, who
    complete(as_user(province["officer_a"]), task["id"], {"performed": True, "findings": "经核实已缴清"})
    case = case_of(body)
    assert case.verification_performed is True and case.verification_findings == "经核实已缴清"
    assert as_user(province["officer_a"]).get(f"/api/v1/repairs/{case.pk}/").status_code == 200
    propose(province, as_user)
    decide(province, as_user)
    assert case_of(body).state == R.APPROVED


# --- who may act and see -----------------------------------------------------------------------

def test_only_the_listing_units_leader_decides(province, as_user, repairable):
    body = filed(repairable)
    accept(province, as_user)
    propose(province, as_user)
    task = step(as_user(province["leader"]), "decision")
    for who in ("outsider_leader", "officer_a", "lead_officer", "auditor"):
        response = as_user(province[who]).post(f"/api/v1/tasks/{task['id']}/complete/", {"decision": "APPROVE"},
                                               format="json")
        assert response.status_code == 403, who
    response = as_user(province["officer"]).post(f"/api/v1/tasks/{task['id']}/complete/", {"decision": "APPROVE"},
                                                 format="json")
    assert response.status_code == 403 and response.json()["code"] == "leader_required"
    with pytest.raises(Forbidden):
        svc.repair_decide(actor=province["outsider_leader"], case=case_of(body), decision="APPROVE")
    assert case_of(body).state == R.REVIEWING
    repairable.refresh_from_db()
    assert repairable.state == E.ACTIVE


def test_other_units_cannot_accept_extend_or_revoke(province, as_user, repairable):
    body = filed(repairable)
    case = case_of(body)
    with pytest.raises(Forbidden):
        svc.repair_accept(actor=province["outsider"], case=case)
    outsider = as_user(province["outsider_leader"])
    assert outsider.post(f"/api/v1/repairs/{case.pk}/extend/", {"days": 2, "reason": "x"},
                         format="json").status_code == 404
    assert outsider.post(f"/api/v1/repairs/{case.pk}/supplement-request/", {"materials": ["x"]},
                         format="json").status_code == 404
    officer = as_user(province["outsider"])
    assert queue(officer, case_type="REPAIR") == []


def test_staff_see_only_repairs_in_their_scope(province, as_user, repairable):
    case = case_of(filed(repairable))
    assert as_user(province["officer"]).get(f"/api/v1/repairs/{case.pk}/").status_code == 200
    assert as_user(province["auditor"]).get(f"/api/v1/repairs/{case.pk}/").status_code == 200
    assert as_user(province["lead_officer"]).get(f"/api/v1/repairs/{case.pk}/").status_code == 200
    assert as_user(province["outsider"]).get(f"/api/v1/repairs/{case.pk}/").status_code == 404
    assert as_user(province["officer_a"]).get(f"/api/v1/repairs/{case.pk}/").status_code == 404
    assert as_user(province["outsider"]).get("/api/v1/repairs/").json()["results"] == []
    assert APIClient().get(f"/api/v1/repairs/{case.pk}/").status_code in (401, 403)


def test_counter_filing_by_staff_and_not_by_auditors(province, as_user, repairable):
    def body():
        return {"entry": repairable.pk, "channel": "COUNTER", "performance": "已履行", "applicant_name": "李四",
                "applicant_contact": "0891-1234567", "proof": [pdf()], "commitment": [pdf("承诺书.pdf")]}
    assert as_user(province["auditor"]).post("/api/v1/repairs/", body(), format="multipart").status_code == 403
    response = as_user(province["officer"]).post("/api/v1/repairs/", body(), format="multipart")
    assert response.status_code == 201, response.json()
    assert case_of(response.json()).filed_by == province["officer"]


# --- withdrawal, chase-ups, revocation ----------------------------------------------------------

def test_withdrawal_cancels_the_open_tasks(province, as_user, repairable):
    body = filed(repairable)
    accept(province, as_user)
    response = APIClient().post(f"/api/v1/public/repairs/{body['number']}/withdraw/",
                                {"code": body["query_code"], "reason": "暂不申请"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == R.WITHDRAWN
    assert not WorkItem.objects.filter(object_type="cases.repaircase", is_open=True).exists()


def test_chase_ups_are_logged_and_limited_to_one_per_working_day(province, repairable):
    body = filed(repairable)
    url = f"/api/v1/public/repairs/{body['number']}/chase-up/"
    assert APIClient().post(url, {"code": body["query_code"]}, format="json").json()["chase_up_count"] == 1
    assert APIClient().post(url, {"code": body["query_code"]}, format="json").status_code == 409


def test_revoking_a_repair_reinstates_the_entry_and_its_executions_audited(province, as_user, repairable):
    body = filed(repairable)
    approve_through_queue(province, as_user)
    b = as_user(province["officer_b"])
    complete(b, queue(b, step="lift")[0]["id"])  # impl_b confirmed; impl_a has not yet
    case = case_of(body)
    url = f"/api/v1/repairs/{case.pk}/revoke/"
    assert as_user(province["officer"]).post(url, {"reason": "x"}, format="json").status_code == 403
    assert as_user(province["outsider_leader"]).post(url, {"reason": "x"}, format="json").status_code == 404
    response = as_user(province["leader"]).post(url, {"reason": "完税证明系伪造"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == R.REPAIR_REVOKED
    repairable.refresh_from_db()
    assert (repairable.state, repairable.removal_reason, repairable.removed_at) == (E.ACTIVE, "", None)
    assert set(MeasureExecution.objects.filter(entry=repairable).values_list("state", flat=True)) == {X.PUSHED}
    assert measures_due(unit=province["impl_a"], subject=repairable.subject)
    assert queue(as_user(province["officer_a"]), step="lift") == [], "open lift confirmations are cancelled"
    assert len(queue(as_user(province["officer_a"]), step="respond")) == 2
    assert len(queue(b, step="respond")) == 1
    chain = f"cases.listentry:{repairable.pk}"
    reinstated = AuditEvent.objects.get(chain=chain, action="entry.reinstate")
    assert (reinstated.from_state, reinstated.to_state) == (E.REMOVED, E.ACTIVE)
    assert "完税证明系伪造" in reinstated.reason and reinstated.actor == province["leader"]
    assert AuditEvent.objects.filter(action="execution.reinstate").count() == 3
    assert AuditEvent.objects.filter(chain=f"cases.repaircase:{case.pk}", action="repair.revoke").exists()
    again = as_user(province["leader"]).post(url, {"reason": "再次撤销"}, format="json")
    assert again.status_code == 409
    assert verify().ok


def test_the_whole_chain_of_a_repair_verifies(province, as_user, repairable):
    body = filed(repairable)
    approve_through_queue(province, as_user)
    case = case_of(body)
    actions = list(AuditEvent.objects.filter(chain=f"cases.repaircase:{case.pk}").values_list("action", flat=True))
    assert actions[0] == "repair.file"
    assert {"attachments.add", "repair.accept", "repair.propose", "repair.approve", "letter.issued",
            "task.complete"} <= set(actions)
    assert verify().ok


def test_figures_per_unit_and_month(province, as_user, repairable):
    body = filed(repairable)
    approve_through_queue(province, as_user)
    response = as_user(province["lead_officer"]).get("/api/v1/repairs/figures/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["unit"] == province["listing"].code and row["applications"] == 1 and row["accepted"] == 1
    assert row["acceptance_rate"] == 1.0 and row["approved"] == 1 and row["late"] == 0
    assert row["median_working_days_to_decision"] == 0
    assert as_user(province["outsider"]).get("/api/v1/repairs/figures/").json()["results"] == []
    assert case_of(body).state == R.APPROVED
