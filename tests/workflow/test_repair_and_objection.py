"""A repair and an objection on one entry (docs/adr/0003-repair-and-objection-on-one-entry.md): the
repair may be filed and accepted while the objection is verified; its decision waits for the
objection's result; whatever the objection concludes, the entry is never left contradictory."""

import pytest
from rest_framework.test import APIClient

from cases.errors import InvalidTransition, ValidationFailed
from cases.models import ListEntry, MeasureExecution, ObjectionCase, RepairCase
from cases.services import objections as objection_svc
from cases.services import repairs as svc
from workflow.models import WorkItem

from .repair_helpers import accept, decide, filed, propose, repairable  # noqa: F401
from .test_listing_through_the_api import complete, queue

pytestmark = pytest.mark.django_db
R, E, X = RepairCase.State, ListEntry.State, MeasureExecution.State


def object_to(entry, grounds="欠税金额有误"):
    case, _code = objection_svc.objection_file(channel="PORTAL", entry=entry, grounds=grounds,
                                               applicant_name="张三", applicant_contact="138")
    return case


def verify_objection(province, as_user, objection):
    officer = as_user(province["officer"])
    task = [t for t in queue(officer, case_type="OBJECTION", step="acceptance")
            if t["case"]["id"] == objection.pk][0]
    complete(officer, task["id"], {"accept": True})


def conclude_objection(province, as_user, outcome, **extra):
    officer, leader = as_user(province["officer"]), as_user(province["leader"])
    complete(officer, queue(officer, case_type="OBJECTION", step="verification")[0]["id"],
             {"outcome": outcome, "findings": "经核查", **extra})
    complete(leader, queue(leader, case_type="OBJECTION", step="approval")[0]["id"], {"approve": True})


def test_a_repair_can_be_filed_and_accepted_while_an_objection_is_verified(province, as_user, repairable):
    objection = object_to(repairable)
    verify_objection(province, as_user, objection)
    repairable.refresh_from_db()
    assert repairable.state == E.SUSPENDED
    body = filed(repairable)
    accept(province, as_user)
    assert RepairCase.objects.get(number=body["number"]).state == R.ACCEPTED


def test_the_repair_decision_waits_for_the_objection_and_then_goes_ahead(province, as_user, repairable):
    body = filed(repairable)
    accept(province, as_user)
    propose(province, as_user)
    verify_objection(province, as_user, object_to(repairable))
    for decision in ("APPROVE", "REJECT"):
        refused = decide(province, as_user, decision, expect=409, reasons="r")
        assert refused["code"] == "objection_pending"
    repairable.refresh_from_db()
    assert (repairable.state, repairable.open_verifications) == (E.SUSPENDED, 1)
    assert RepairCase.objects.get(number=body["number"]).state == R.REVIEWING
    conclude_objection(province, as_user, "UPHELD")
    repairable.refresh_from_db()
    assert (repairable.state, repairable.open_verifications) == (E.ACTIVE, 0)
    decide(province, as_user, "APPROVE")
    repairable.refresh_from_db()
    assert (repairable.state, repairable.removal_reason, repairable.open_verifications) == (E.REMOVED, "REPAIRED", 0)
    assert RepairCase.objects.get(number=body["number"]).state == R.APPROVED


def test_a_corrected_objection_leaves_the_repair_to_decide_on_the_corrected_entry(province, as_user, repairable):
    body = filed(repairable)
    accept(province, as_user)
    propose(province, as_user)
    verify_objection(province, as_user, object_to(repairable))
    conclude_objection(province, as_user, "CORRECTED", corrections={"facts": "欠缴税款12.6万元"})
    repairable.refresh_from_db()
    assert repairable.state == E.ACTIVE and repairable.facts == "欠缴税款12.6万元"
    decide(province, as_user, "APPROVE")
    assert RepairCase.objects.get(number=body["number"]).state == R.APPROVED


def test_an_objection_that_revokes_the_entry_ends_the_open_repair(province, as_user, repairable):
    body = filed(repairable)
    accept(province, as_user)
    verify_objection(province, as_user, object_to(repairable))
    conclude_objection(province, as_user, "REVOKED")
    repairable.refresh_from_db()
    assert (repairable.state, repairable.removal_reason) == (E.REMOVED, "REVOKED")
    case = RepairCase.objects.get(number=body["number"])
    assert (case.state, case.outcome) == (R.CLOSED, "ENTRY_REMOVED")
    assert not WorkItem.objects.filter(object_type="cases.repaircase", object_id=case.pk, is_open=True).exists()
    public = APIClient().get(f"/api/v1/public/repairs/{body['number']}/", {"code": body["query_code"]}).json()
    assert public["outcome"] == "ENTRY_REMOVED"
    assert set(MeasureExecution.objects.filter(entry=repairable).values_list("state", flat=True)) == {X.LIFT_PENDING}


def test_an_objection_cannot_suspend_an_entry_a_repair_has_removed(province, as_user, repairable):
    filed(repairable)
    accept(province, as_user)
    propose(province, as_user)
    decide(province, as_user, "APPROVE")
    repairable.refresh_from_db()
    with pytest.raises(ValidationFailed):
        object_to(repairable)  # only a listed entry can be objected to (its content)
    # An objection to the repair result is possible; it does not suspend a removed entry.
    objection, _code = objection_svc.objection_file(channel="PORTAL", entry=repairable, grounds="对修复结果有异议",
                                                    applicant_name="王五", applicant_contact="139",
                                                    target=ObjectionCase.Target.REPAIR_RESULT)
    verify_objection(province, as_user, objection)
    repairable.refresh_from_db()
    assert (repairable.state, repairable.open_verifications) == (E.REMOVED, 0)
    conclude_objection(province, as_user, "UPHELD")
    repairable.refresh_from_db()
    assert (repairable.state, repairable.open_verifications) == (E.REMOVED, 0)


def test_an_expired_entry_ends_an_open_repair(province, as_user, repairable):
    from cases.services.entries import entries_expire
    body = filed(repairable)
    ListEntry.objects.filter(pk=repairable.pk).update(valid_until="2026-01-01")
    assert entries_expire() == 1
    case = RepairCase.objects.get(number=body["number"])
    assert (case.state, case.outcome) == (R.CLOSED, "ENTRY_REMOVED")
    with pytest.raises(InvalidTransition):
        svc.repair_accept(actor=province["officer"], case=case)
