"""Every objection and repair letter names the credit subject (name and code), the entry in
question (its list and the 文号 of its listing decision) and, where someone else applied, the
applicant (issue 18): the acceptance and result letters used to name only the applicant."""

import pytest
from django.utils.html import strip_tags

from cases.models import ListEntry, ObjectionCase, RepairCase
from cases.services import objections as objection_svc
from cases.services import repairs as repair_svc
from cases.services.entry_letters import decision_number
from letters.models import Letter
from letters.rendering import render_letter_html
from tests.workflow.repair_helpers import approve_through_queue, filed, repairable  # noqa: F401 (fixture)
from tests.workflow.test_objections import accept_via_queue, active, conclude_and_approve, file_on_portal  # noqa: F401

pytestmark = pytest.mark.django_db


def texts(number) -> dict[str, str]:
    return {letter.letter_type: strip_tags(render_letter_html(letter))
            for letter in Letter.objects.filter(case_ref=number).select_related("subject", "unit")}


def assert_names_subject_entry_and_applicant(text: str, entry: ListEntry, letter_type: str):
    number = decision_number(entry)
    assert number, "the listed entry has a listing decision"
    for needed in (entry.subject.name, entry.subject.identifier, entry.list_type.name, number, "张三"):
        assert needed in text, f"{letter_type} does not name {needed}"


def test_every_objection_letter_names_the_subject_the_entry_and_the_applicant(province, as_user, active):
    number = file_on_portal(province, active).json()["number"]
    case = ObjectionCase.objects.get(number=number)
    objection_svc.objection_request_supplement(actor=province["officer"], case=case, materials=["缴款凭证原件"])
    objection_svc.objection_supplement(case=case, note="已补交缴款凭证")
    accept_via_queue(province, as_user, number)
    conclude_and_approve(province, as_user, "UPHELD", findings="信息准确")
    letters = texts(number)
    assert set(letters) == {"OBJECTION_SUPPLEMENT", "OBJECTION_ACCEPTED", "VERIFICATION_NOTICE", "OBJECTION_RESULT"}
    for letter_type, text in letters.items():
        assert_names_subject_entry_and_applicant(text, active, letter_type)


def test_the_refusal_names_them_too(province, as_user, active):
    number = file_on_portal(province, active).json()["number"]
    objection_svc.objection_refuse(actor=province["officer"], case=ObjectionCase.objects.get(number=number),
                                   reasons="异议事项不属于本机关受理范围。", basis="《管理办法》第十二条")
    assert_names_subject_entry_and_applicant(texts(number)["OBJECTION_NOT_ACCEPTED"], active, "OBJECTION_NOT_ACCEPTED")


def test_every_repair_letter_names_the_subject_the_entry_and_the_applicant(province, as_user, repairable):
    body = filed(repairable)
    approve_through_queue(province, as_user)
    letters = texts(body["number"])
    assert {"REPAIR_ACCEPTED", "REPAIR_APPROVED"} <= set(letters)
    for letter_type in ("REPAIR_ACCEPTED", "REPAIR_APPROVED"):
        assert_names_subject_entry_and_applicant(letters[letter_type], repairable, letter_type)


def test_a_subject_applying_for_itself_is_not_named_twice_as_applicant(province, as_user, active):
    number = file_on_portal(province, active).json()["number"]
    ObjectionCase.objects.filter(number=number).update(applicant_name=active.subject.name)
    accept_via_queue(province, as_user, number)
    html = render_letter_html(Letter.objects.get(case_ref=number, letter_type="OBJECTION_ACCEPTED"))
    assert "<th>信用主体</th>" in html and "<th>申请人</th>" not in html
