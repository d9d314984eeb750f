"""Every file served back is a download the browser does not render: ``Content-Disposition:
attachment`` with the Chinese name intact (RFC 6266/5987), ``nosniff`` and a sandboxing CSP that
the site-wide CSP middleware leaves in place. Officers' attachment and letter downloads, the
applicant's letter on the portal and the public API, and the audit console's downloads."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from rest_framework.test import APIClient

from cases.models import Attachment, RepairCase
from config.downloads import DOWNLOAD_CSP, content_disposition, file_download
from letters.models import Letter
from tests.audit.console_fixtures import history, world  # noqa: F401
from tests.cases.test_portal_support import account, client_for, file_repair, listed, portal_media  # noqa: F401
from tests.workflow.test_workspace_queue import browser_for

pytestmark = pytest.mark.django_db
PROOF_NAME = "完税凭证.pdf"


def assert_download(response, filename: str, content_type: str = "application/pdf") -> bytes:
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == content_disposition(filename)
    assert response["Content-Disposition"].startswith("attachment; ")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    return b"".join(response.streaming_content)


def test_a_chinese_name_is_sent_as_rfc5987_with_an_ascii_fallback():
    assert content_disposition(PROOF_NAME) == (
        "attachment; filename=\"download.pdf\"; filename*=UTF-8''%E5%AE%8C%E7%A8%8E%E5%87%AD%E8%AF%81.pdf")
    assert content_disposition("XF-2026-000001.pdf") == (
        "attachment; filename=\"XF-2026-000001.pdf\"; filename*=UTF-8''XF-2026-000001.pdf")
    # no header injection, no path, no quote breaking out of the fallback
    assert "\r" not in content_disposition("a\r\nSet-Cookie: x=1.pdf")
    assert content_disposition('../"x".pdf').startswith('attachment; filename="download.pdf"; ')


def test_the_site_wide_csp_middleware_keeps_the_sandbox_of_a_download():
    from config.security_headers import CSPMiddleware

    request = RequestFactory().get("/work/cases/objection/1/attachments/1/")
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'self'"]}}):
        middleware = CSPMiddleware(lambda r: HttpResponse())
        middleware.process_request(request)
        download = middleware.process_response(request, file_download(iter([b"x"]), filename="a.pdf",
                                                                       content_type="application/pdf"))
        page = middleware.process_response(request, HttpResponse("<p>page</p>"))
    assert download["Content-Security-Policy"] == DOWNLOAD_CSP
    assert page["Content-Security-Policy"] == "default-src 'self'"


def test_an_unknown_stored_type_is_served_as_octet_stream():
    response = file_download(iter([b"<html>"]), filename="x.html", content_type="text/html")
    assert response["Content-Type"] == "application/octet-stream"


def test_officers_and_auditors_download_an_attachment_as_an_attachment(history):  # noqa: F811
    case = history["objection"]
    attachment = Attachment.objects.get(object_type="cases.objectioncase", object_id=case.pk)
    assert attachment.original_name == PROOF_NAME
    officer = browser_for(history["officer"])
    assert_download(officer.get(f"/work/cases/objection/{case.pk}/attachments/{attachment.pk}/"), PROOF_NAME)
    auditor = browser_for(history["city_auditor"])
    assert_download(auditor.get(f"/audit/objection/{case.pk}/attachments/{attachment.pk}/"), PROOF_NAME)
    bundle = auditor.get(f"/audit/objection/{case.pk}/bundle.zip")
    assert bundle["X-Content-Type-Options"] == "nosniff" and bundle["Content-Security-Policy"] == DOWNLOAD_CSP
    assert bundle["Content-Disposition"].startswith("attachment; ")


def test_the_applicant_officer_and_api_download_a_letter_as_an_attachment(province, listed, account,  # noqa: F811
                                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        filed = file_repair(client_for(account), listed, commitment=False)  # issues the commitment form
    case = RepairCase.objects.get(number=filed["number"])
    letter = Letter.objects.get(case_ref=case.number, letter_type="COMMITMENT")
    assert letter.status == Letter.Status.ISSUED, letter.failure_reason
    name = f"{letter.document_number or letter.pk}.pdf"
    portal = client_for(account).get(f"/portal/cases/{case.number}/letters/{letter.pk}/")
    assert assert_download(portal, name).startswith(b"%PDF-")
    api = APIClient().get(f"/api/v1/public/repairs/{case.number}/letters/{letter.pk}/pdf/", {"code": filed["code"]})
    assert_download(api, name)
    officer = browser_for(province["officer"]).get(f"/letters/{letter.pk}/pdf/")
    assert_download(officer, f"{letter.document_number or letter.title}.pdf")


def test_no_page_shows_a_pdf_inline():
    """The verification page and the case pages link letters for download; none embeds one
    (an inline PDF would need a CSP of its own)."""
    templates = Path(__file__).resolve().parents[2] / "templates"
    embedded = [str(p) for p in templates.rglob("*.html")
                if any(tag in p.read_text(encoding="utf-8") for tag in ("<iframe", "<embed", "<object"))]
    assert not embedded
