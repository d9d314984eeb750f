"""The public page a letter's QR code opens, and the upload check."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pyhanko.pdf_utils.reader import PdfFileReader

from letter_tools import flip_byte_in_signed_range, pdf_bytes
from letters.qr import qr_svg_data_uri, verify_url
from letters.rendering import render_letter_html

pytestmark = pytest.mark.django_db


def _upload(client, url, data: bytes):
    # In English, so the assertions hold whatever the zh-hans catalogue says.
    return client.post(url, {"pdf": SimpleUploadedFile("letter.pdf", data, content_type="application/pdf")},
                       HTTP_ACCEPT_LANGUAGE="en")


def test_qr_code_on_the_letter_links_to_its_verification_page(issue):
    letter = issue("LISTING_DECISION")
    url = verify_url(letter.public_token)

    assert url == f"https://credit.example.gov.cn/letters/verify/{letter.public_token}/"
    assert qr_svg_data_uri(url) in render_letter_html(letter)  # the QR code encodes exactly that link


def test_page_shows_number_issuer_date_subject_hash_and_valid_status(issue, client):
    letter = issue("LISTING_DECISION")

    page = client.get(f"/letters/verify/{letter.public_token}/").content.decode()

    assert letter.document_number in page
    assert "拉萨市发展和改革委员会" in page
    assert f"{letter.issue_date.year}年{letter.issue_date.month}月{letter.issue_date.day}日" in page
    assert "西藏雪域高原建筑工程有限公司" in page and letter.subject.identifier in page
    assert letter.sha256 in page
    assert 'class="status valid"' in page


def test_natural_persons_identifier_is_masked(issue, person, client):
    letter = issue("PRIOR_NOTICE", subject=person)

    page = client.get(f"/letters/verify/{letter.public_token}/").content.decode()

    assert person.identifier not in page
    assert person.identifier[:6] + "*" * 11 + person.identifier[-1] in page


def test_superseded_letter_says_so_and_names_its_replacement(issue, officer, client,
                                                            django_capture_on_commit_callbacks):
    from letters import services

    old = issue("LISTING_DECISION")
    with django_capture_on_commit_callbacks(execute=True):
        new = services.letter_reissue(actor=officer, letter=old, reason="更正")

    page = client.get(f"/letters/verify/{old.public_token}/").content.decode()

    assert 'class="status superseded"' in page and new.document_number in page


def test_uploading_the_letter_itself_says_authentic(issue, client):
    letter = issue("LISTING_DECISION")

    page = _upload(client, f"/letters/verify/{letter.public_token}/", pdf_bytes(letter)).content.decode()

    assert 'class="verdict-authentic"' in page
    assert "Authentic: this PDF is an unaltered letter of ours" in page


def test_uploading_a_letter_with_one_flipped_byte_says_altered(issue, client):
    letter = issue("LISTING_DECISION")
    tampered = flip_byte_in_signed_range(pdf_bytes(letter))

    page = _upload(client, f"/letters/verify/{letter.public_token}/", tampered).content.decode()

    assert 'class="verdict-altered"' in page
    assert "the PDF was changed after it was signed" in page
    assert "verdict-authentic" not in page


def test_uploading_another_of_our_letters_names_that_letter(issue, client):
    first = issue("LISTING_DECISION")
    second = issue("PRIOR_NOTICE")

    page = _upload(client, f"/letters/verify/{first.public_token}/", pdf_bytes(second)).content.decode()

    assert 'class="verdict-other_letter"' in page and second.document_number in page


def test_an_unsigned_copy_with_the_same_text_is_not_ours(issue, client):
    from letters.rendering import render_letter

    letter = issue("LISTING_DECISION")
    unsigned = render_letter(letter).pdf

    page = _upload(client, "/letters/verify/", unsigned).content.decode()

    assert 'class="verdict-not_ours"' in page
    assert "Not authentic: this PDF is not an unaltered letter" in page


def test_garbage_upload_is_unreadable_and_unknown_token_is_404(client):
    assert 'class="verdict-unreadable"' in _upload(client, "/letters/verify/", b"not a pdf").content.decode()
    assert client.get("/letters/verify/no-such-token/").status_code == 404


def test_pending_and_commitment_letters_have_no_public_page(issue, client, monkeypatch):
    from letters import services

    commitment = issue("COMMITMENT")
    monkeypatch.setattr(services, "_schedule_production", lambda letter: None)
    pending = issue("LISTING_DECISION")

    assert client.get(f"/letters/verify/{commitment.public_token}/").status_code == 404
    assert client.get(f"/letters/verify/{pending.public_token}/").status_code == 404


def test_signed_pdf_is_a_single_revision_certified_against_changes(issue):
    letter = issue("LISTING_DECISION")

    reader = PdfFileReader(io.BytesIO(pdf_bytes(letter)))
    (sig,) = reader.embedded_signatures

    assert sig.docmdp_level is not None and int(sig.docmdp_level.value) == 1
    assert re.search(rb"/SubFilter\s*/ETSI\.CAdES\.detached", pdf_bytes(letter))
