"""The listing procedure issues its letters from the case itself (domain.md §6): prior notice,
decision served with the repair notice, removal decision. Each renders with embedded CJK fonts,
names the subject and its document number, and carries a signature pdfsig accepts."""

import datetime as dt

import pytest

from cases.audit.services import chain_key
from cases.services import entries as svc
from cases.services.registry import catalogue_seed, unit_assign_role
from letters.models import Letter
from letters.services import letter_produce
from tests.factories import LeaderFactory, ListTypeFactory, MeasureFactory, OfficerFactory, SubjectFactory, UnitFactory

from letter_tools import all_text, embedded_cjk_fonts, page1_text, pdf_bytes, run, write_pdf

pytestmark = pytest.mark.django_db


def test_listing_letters_come_from_the_case_and_verify(unit, region, nss_db, tmp_path):
    catalogue_seed(update_existing=False)
    implementing = UnitFactory(region=region)
    blacklist = ListTypeFactory(measures=[MeasureFactory(implementing_units=[implementing])], validity_months=36)
    unit_assign_role(actor=None, unit=unit, list_type=blacklist, role="LISTING")
    officer, leader = OfficerFactory(unit=unit), LeaderFactory(unit=unit)
    subject = SubjectFactory(name="拉萨某某建筑劳务有限公司")
    entry = svc.entry_draft(actor=officer, list_type=blacklist, subject=subject,
                            facts="拖欠38名农民工工资共计46.2万元，经责令限期支付逾期未付。",
                            reasons="拖欠农民工工资数额较大，情节严重")
    svc.entry_send_notice(actor=officer, entry=entry, on=dt.date(2026, 3, 2))
    svc.entry_receive_statement(actor=officer, entry=entry, statement="资金周转困难，请求从轻")
    svc.entry_decide(actor=leader, entry=entry, decision_date=dt.date(2026, 3, 16), reason="理由不构成免责事由",
                     dating_reason="纸质决定书补录")
    svc.entry_publish(actor=officer, entry=entry)
    svc.entry_remove_by_decision(actor=leader, entry=entry, removal_reason="ANNULLED", reason="行政复议决定撤销")

    letters = list(Letter.objects.filter(case_chain=chain_key(entry)).order_by("id"))
    assert [l.letter_type for l in letters] == ["PRIOR_NOTICE", "LISTING_DECISION", "REPAIR_NOTICE", "REMOVAL_DECISION"]
    decision_number = letters[1].document_number
    for letter in letters:
        letter = letter_produce(letter_id=letter.pk)
        assert letter.status == Letter.Status.ISSUED, letter.failure_reason
        path = write_pdf(tmp_path, pdf_bytes(letter), f"{letter.letter_type}.pdf")
        first_page = page1_text(path)
        assert subject.name in first_page and letter.document_number in first_page
        assert embedded_cjk_fonts(path)
        assert "Signature is Valid" in run("pdfsig", "-nssdir", nss_db, str(path))
    assert "资金周转困难" in all_text(tmp_path / "LISTING_DECISION.pdf"), "the statement was considered in the decision"
    assert decision_number in all_text(tmp_path / "REPAIR_NOTICE.pdf"), "两书同达: the notice cites the decision"
    assert decision_number in all_text(tmp_path / "REMOVAL_DECISION.pdf")


def test_expiry_ends_publication_without_a_letter(unit, region):
    catalogue_seed(update_existing=False)
    red = ListTypeFactory(red=True, measures=[], validity_months=12)
    unit_assign_role(actor=None, unit=unit, list_type=red, role="LISTING")
    officer = OfficerFactory(unit=unit)
    entry = svc.entry_draft(actor=officer, list_type=red, subject=SubjectFactory(), facts="f", reasons="r")
    svc.entry_publish(actor=officer, entry=entry)
    assert svc.entries_expire(today=entry.valid_until + dt.timedelta(days=1)) == 1
    assert not Letter.objects.filter(case_chain=chain_key(entry)).exists()
