"""An objection on an entry no longer in force (issue 18): accepted after the entry was removed by
an approved repair, it suspends nothing, its letters say so instead of promising a suspension, an
upheld result resumes nothing, a revocation revokes the retained record and restores reputations,
and the entry's count of open verifications is left to the objections that did suspend it."""

import pytest
from django.utils.html import strip_tags

from cases.audit.models import AuditEvent
from cases.audit.verify import verify
from cases.models import ListEntry, MeasureExecution, ObjectionCase, RepairCase, RestorationTask
from cases.services import objections as objection_svc
from cases.services import repairs as repair_svc
from letters.models import Letter
from letters.rendering import render_letter_html

from .repair_helpers import approve_through_queue, filed, repairable  # noqa: F401 (fixture)
from .test_listing_through_the_api import complete, queue
from .test_objections import accept_via_queue, conclude_and_approve, file_on_portal

pytestmark = pytest.mark.django_db
E = ListEntry.State


def text(number, letter_type) -> str:
    return strip_tags(render_letter_html(Letter.objects.get(case_ref=number, letter_type=letter_type)))


def objection_then_repair(province, as_user, entry) -> str:
    """An objection filed while the entry is in force; before it is accepted, a repair removes it."""
    number = file_on_portal(province, entry).json()["number"]
    filed(entry)
    approve_through_queue(province, as_user)
    entry.refresh_from_db()
    assert (entry.state, entry.removal_reason) == (E.REMOVED, "REPAIRED")
    return number


def test_accepting_suspends_nothing_and_the_letters_say_the_entry_is_out_of_force(province, as_user, repairable):
    number = objection_then_repair(province, as_user, repairable)
    accept_via_queue(province, as_user, number)
    case = ObjectionCase.objects.get(number=number)
    repairable.refresh_from_db()
    assert case.state == ObjectionCase.State.VERIFYING and not case.suspended_entry
    assert (repairable.state, repairable.open_verifications) == (E.REMOVED, 0)
    for letter_type in ("OBJECTION_ACCEPTED", "VERIFICATION_NOTICE"):
        body = text(number, letter_type)
        assert "暂停实施联合惩戒措施" not in body, letter_type
        assert "移出名单" in body and "不再实施" in body, letter_type

    conclude_and_approve(province, as_user, "UPHELD", findings="信息准确")
    result = text(number, "OBJECTION_RESULT")
    assert "予以维持" in result and "恢复实施" not in result and "不再实施联合惩戒措施" in result
    repairable.refresh_from_db()
    assert (repairable.state, repairable.removal_reason) == (E.REMOVED, "REPAIRED")
    assert verify().ok


def test_a_revocation_revokes_the_retained_record_and_restores_reputations(province, as_user, repairable):
    a = as_user(province["officer_a"])
    respond = queue(a, step="respond")[0]
    complete(a, respond["id"])
    complete(a, queue(a, step="feedback")[0]["id"], {"applied": True, "note": "已限制"})
    number = objection_then_repair(province, as_user, repairable)
    accept_via_queue(province, as_user, number)
    conclude_and_approve(province, as_user, "REVOKED", findings="认定事实错误")
    repairable.refresh_from_db()
    assert (repairable.state, repairable.removal_reason) == (E.REMOVED, "REVOKED")
    event = AuditEvent.objects.get(chain=f"cases.listentry:{repairable.pk}", action="entry.revoke_removed")
    assert event.changes["removal_reason"] == ["REPAIRED", "REVOKED"]
    assert list(RestorationTask.objects.filter(entry=repairable).values_list("unit_id", flat=True)) == [
        province["impl_a"].pk]
    result = text(number, "OBJECTION_RESULT")
    assert "撤销相关失信信息" in result and "解除相应惩戒措施" not in result and "恢复" in result
    assert ObjectionCase.objects.get(number=number).state == ObjectionCase.State.CLOSED
    assert verify().ok


def test_an_objection_that_suspended_nothing_does_not_end_another_ones_suspension(province, as_user, repairable):
    first = objection_then_repair(province, as_user, repairable)
    accept_via_queue(province, as_user, first)
    # The repair rested on false material: the entry is in force again, and a second objection
    # suspends it.
    repair = RepairCase.objects.get(entry=repairable)
    repair_svc.repair_revoke(actor=province["leader"], case=repair, reason="修复材料虚假")
    second = file_on_portal(province, repairable, grounds="列入依据的处罚决定已被撤销").json()["number"]
    accept_via_queue(province, as_user, second)
    repairable.refresh_from_db()
    assert (repairable.state, repairable.open_verifications) == (E.SUSPENDED, 1)
    case = ObjectionCase.objects.get(number=first)
    objection_svc.objection_conclude(actor=province["officer"], case=case, outcome="UPHELD", findings="信息准确")
    objection_svc.objection_approve(actor=province["leader"], case=case, approve=True)
    repairable.refresh_from_db()
    assert (repairable.state, repairable.open_verifications) == (E.SUSPENDED, 1), \
        "the second objection is still verifying: its suspension stands"
    assert set(MeasureExecution.objects.filter(entry=repairable).values_list("state", flat=True)) <= {
        MeasureExecution.State.SUSPENDED}
    assert "恢复实施" not in text(first, "OBJECTION_RESULT")
