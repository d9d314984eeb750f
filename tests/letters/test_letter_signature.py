"""Letters carry a PAdES signature by the issuing unit that poppler and pyHanko both accept."""

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel

from cases.audit.models import AuditEvent
from letter_tools import flip_byte_in_signed_range, pdf_bytes, run, write_pdf
from letters.rendering import SEAL_SIZE_MM
from letters.verification import trust_context, verify_pdf_bytes

pytestmark = pytest.mark.django_db


def test_pdfsig_reports_valid_signature_trusted_certificate_and_whole_document_signed(issue, nss_db, tmp_path):
    letter = issue("LISTING_DECISION")

    out = run("pdfsig", "-nssdir", nss_db, str(write_pdf(tmp_path, pdf_bytes(letter))))

    assert "Signature Validation: Signature is Valid." in out, out
    assert "Certificate Validation: Certificate is Trusted." in out, out
    assert "Total document signed" in out, out
    assert "Signer Certificate Common Name: 拉萨市发展和改革委员会" in out, out
    assert "Signature Type: ETSI.CAdES.detached" in out, out  # PAdES


def test_pyhanko_reports_signature_intact_valid_trusted_and_covering_the_file(issue):
    letter = issue("LISTING_DECISION")

    reader = PdfFileReader(io.BytesIO(pdf_bytes(letter)))
    (sig,) = reader.embedded_signatures
    status = validate_pdf_signature(sig, trust_context())

    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.bottom_line
    assert status.signer_reported_dt is not None  # the signing time
    assert "拉萨市发展和改革委员会" in status.signing_cert.subject.human_friendly
    assert letter.signature_algorithm == "ECDSA-SHA256 PAdES-B-B"


def test_one_flipped_byte_breaks_the_signature_for_pdfsig_and_pyhanko(issue, nss_db, tmp_path):
    letter = issue("LISTING_DECISION")
    tampered = flip_byte_in_signed_range(pdf_bytes(letter))

    out = run("pdfsig", "-nssdir", nss_db, str(write_pdf(tmp_path, tampered)))
    check = verify_pdf_bytes(tampered)

    assert "Signature is Valid" not in out, out
    assert "Digest Mismatch" in out, out
    assert check.readable and check.signature_broken and not check.signature_ok


def test_signature_by_a_ca_we_do_not_trust_is_valid_but_untrusted(issue, tmp_path, settings):
    from letters import pki

    letter = issue("LISTING_DECISION")
    settings.LETTERS_KEY_DIR = tmp_path / "another-ca"
    pki.ensure_demo_ca()

    check = verify_pdf_bytes(pdf_bytes(letter))

    (report,) = check.signatures
    assert report.intact and report.valid and not report.trusted
    assert not check.signature_ok and not check.signature_broken


def test_visible_signature_sits_on_the_seal_area_of_the_last_page(issue):
    letter = issue("LISTING_DECISION")

    reader = PdfFileReader(io.BytesIO(pdf_bytes(letter)))
    (sig,) = reader.embedded_signatures
    x1, y1, x2, y2 = (float(v) for v in sig.sig_field["/Rect"])
    last_page_ref = reader.root["/Pages"]["/Kids"].raw_get(-1)  # WeasyPrint writes a flat page tree

    size_pt = SEAL_SIZE_MM / 25.4 * 72
    assert abs((x2 - x1) - size_pt) <= 1 and abs((y2 - y1) - size_pt) <= 1
    assert sig.sig_field.raw_get("/P").idnum == last_page_ref.idnum
    assert 72 < x1 < 595 - 72 and 72 < y1 < 842 - 72  # inside the text block, not in a margin


def test_signed_letter_hash_goes_into_the_case_audit_chain(issue):
    letter = issue("LISTING_DECISION", case_chain="cases.listentry:77")

    events = list(AuditEvent.objects.filter(chain="cases.listentry:77").order_by("seq"))

    assert [e.action for e in events] == ["letter.issued", "letter.signed"]
    signed = events[-1]
    assert signed.object_type == "letters.letter" and signed.object_id == str(letter.pk)
    assert signed.changes["sha256"] == [None, letter.sha256]
    assert len(letter.sha256) == 64
