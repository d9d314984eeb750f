"""Every objection letter (domain.md §6) comes from a real objection case and verifies."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import ObjectionCase
from cases.services import entries as entry_svc
from cases.services import objections as svc
from cases.services.registry import catalogue_seed, unit_assign_role
from letters.models import Letter
from letters.services import letter_produce
from tests.factories import LeaderFactory, ListTypeFactory, MeasureFactory, OfficerFactory, SubjectFactory, UnitFactory
from tests.pdfs import minimal_pdf

from letter_tools import embedded_cjk_fonts, page1_text, pdf_bytes, run, write_pdf

pytestmark = pytest.mark.django_db


def test_every_objection_letter_renders_from_a_case_and_verifies(unit, region, nss_db, tmp_path):
    catalogue_seed(update_existing=False)
    blacklist = ListTypeFactory(measures=[MeasureFactory(implementing_units=[UnitFactory(region=region)])])
    unit_assign_role(actor=None, unit=unit, list_type=blacklist, role="LISTING")
    officer, leader = OfficerFactory(unit=unit), LeaderFactory(unit=unit)
    subject = SubjectFactory(name="拉萨某某商贸有限公司")
    entry = entry_svc.entry_draft(actor=officer, list_type=blacklist, subject=subject, facts="欠缴税款58万元",
                                  reasons="欠缴税款逾期未缴")
    entry_svc.entry_send_notice(actor=officer, entry=entry, on=dt.date(2026, 3, 2))
    entry_svc.entry_decide(actor=leader, entry=entry, decision_date=dt.date(2026, 3, 16), dating_reason="纸质决定书补录")
    entry_svc.entry_publish(actor=officer, entry=entry)

    refused, _ = svc.objection_file(channel="PORTAL", entry=entry, grounds="理由一", applicant_name="某某",
                                    applicant_contact="138")
    svc.objection_refuse(actor=officer, case=refused, reasons="不属于受理范围", basis="《异议处理办法》第五条")
    case, _ = svc.objection_file(channel="PORTAL", entry=entry, grounds="欠缴金额有误", applicant_name="某某",
                                 applicant_contact="138")
    svc.objection_request_supplement(actor=officer, case=case, materials=["完税凭证"])
    svc.objection_supplement(case=case, files=[SimpleUploadedFile("完税凭证.pdf", minimal_pdf("tax receipt"))])
    svc.objection_accept(actor=officer, case=ObjectionCase.objects.get(pk=case.pk))
    svc.objection_conclude(actor=officer, case=case, outcome="CORRECTED", findings="金额应为12万元",
                           corrections={"facts": "欠缴税款12万元"})
    svc.objection_approve(actor=leader, case=case, approve=True)

    letters = Letter.objects.filter(case_ref__in=[refused.number, case.number]).order_by("id")
    assert [l.letter_type for l in letters] == ["OBJECTION_NOT_ACCEPTED", "OBJECTION_SUPPLEMENT", "OBJECTION_ACCEPTED",
                                                "VERIFICATION_NOTICE", "OBJECTION_RESULT"]
    for letter in letters:
        letter = letter_produce(letter_id=letter.pk)
        assert letter.status == Letter.Status.ISSUED, letter.failure_reason
        path = write_pdf(tmp_path, pdf_bytes(letter), f"{letter.letter_type}.pdf")
        text = page1_text(path)
        assert letter.document_number in text and (subject.name in text or unit.name in text)
        assert embedded_cjk_fonts(path)
        assert "Signature is Valid" in run("pdfsig", "-nssdir", nss_db, str(path))
    result = page1_text(tmp_path / "OBJECTION_RESULT.pdf")
    assert "欠缴税款58万元" in result and "欠缴税款12万元" in result, "old → new in the result letter"
