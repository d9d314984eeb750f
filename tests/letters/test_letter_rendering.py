"""Every letter type renders as an official document: CJK fonts embedded, text layer legible."""

import shutil
import subprocess

import pytest

from letter_contexts import contexts
from letter_tools import all_text, embedded_cjk_fonts, page1_text, pdf_bytes, write_pdf
from letters.models import Letter
from letters.types import SPECS, LetterType

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("letter_type", LetterType.values)
def test_every_letter_type_renders_with_embedded_cjk_font_and_legible_page_one(
    letter_type, issue, subject, tmp_path, artifacts_dir
):
    letter = issue(letter_type)

    assert letter.status == Letter.Status.ISSUED, letter.failure_reason
    path = write_pdf(tmp_path, pdf_bytes(letter))
    assert embedded_cjk_fonts(path), "pdffonts lists no embedded CJK font"
    text = page1_text(path)
    assert subject.name in text
    assert letter.title in text
    if SPECS[letter_type].numbered:
        assert letter.document_number in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True)
    png = tmp_path / "page-1.png"
    assert png.stat().st_size > 5_000
    if artifacts_dir is not None:
        shutil.copy(png, artifacts_dir / f"{letter_type.lower()}.png")
        shutil.copy(path, artifacts_dir / f"{letter_type.lower()}.pdf")


@pytest.mark.parametrize("letter_type", [t for t, s in SPECS.items() if s.adverse])
def test_adverse_decisions_state_reconsideration_and_litigation_remedies(letter_type, issue, tmp_path):
    letter = issue(letter_type)

    text = all_text(write_pdf(tmp_path, pdf_bytes(letter)))
    assert "六十日内" in text and "申请行政复议" in text
    assert "六个月内" in text and "提起行政诉讼" in text
    assert "拉萨市人民政府" in text  # the unit's own government, unless the case names another body


def test_objection_upheld_states_remedies_but_revocation_does_not(issue, tmp_path):
    upheld = contexts()["OBJECTION_RESULT"] | {"outcome": "UPHELD", "corrections": []}
    revoked = contexts()["OBJECTION_RESULT"] | {"outcome": "REVOKED", "corrections": []}

    upheld_text = all_text(write_pdf(tmp_path, pdf_bytes(issue("OBJECTION_RESULT", context=upheld)), "u.pdf"))
    revoked_text = all_text(write_pdf(tmp_path, pdf_bytes(issue("OBJECTION_RESULT", context=revoked)), "r.pdf"))

    assert "予以维持" in upheld_text and "提起行政诉讼" in upheld_text
    assert "撤销相关失信信息" in revoked_text and "提起行政诉讼" not in revoked_text


def test_favourable_notices_carry_no_remedies_clause(issue, tmp_path):
    letter = issue("REPAIR_APPROVED")

    assert "提起行政诉讼" not in all_text(write_pdf(tmp_path, pdf_bytes(letter)))


def test_natural_person_is_addressed_as_you_not_your_unit(issue, person, tmp_path):
    letter = issue("PRIOR_NOTICE", subject=person)

    text = page1_text(write_pdf(tmp_path, pdf_bytes(letter)))
    assert "扎西次仁" in text and "公民身份号码" in text and "你单位" not in text


def test_commitment_letter_has_no_number_no_unit_signature_and_blanks_to_sign(issue, tmp_path):
    letter = issue("COMMITMENT")

    assert letter.status == Letter.Status.ISSUED
    assert letter.number is None and letter.document_number == ""
    assert letter.signature_algorithm == ""
    path = write_pdf(tmp_path, pdf_bytes(letter))
    assert b"/ByteRange" not in pdf_bytes(letter)
    text = page1_text(path)
    assert "信用承诺书" in text and "法定代表人（签字）" in text


def test_verification_notice_lists_the_record_rows_in_the_cases_order(issue, tmp_path):
    letter = issue("VERIFICATION_NOTICE")

    text = page1_text(write_pdf(tmp_path, pdf_bytes(letter)))

    positions = [text.index(label) for label in ("名单拖欠", "认定文号", "失信行为", "列入日期")]
    assert positions == sorted(positions)
    assert "拉萨市人力资源和社会保障局：" in text  # addressed to the data-providing unit
