"""The hostile files of test_upload_proof are refused wherever a file comes in: the public API's
filing and supplement (400, the error JSON, field ``attachments``, nothing written), an officer
filing at the counter through the API, and the portal's upload step (form and htmx). A real PDF
and a real PNG go through."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from cases.models import Attachment, ListEntry, ObjectionCase
from cases.services import intake
from tests.cases.test_portal_support import client_for, portal_media  # noqa: F401
from tests.pdfs import minimal_pdf, png
from tests.workflow.test_listing_through_the_api import list_through_api
from tests.workflow.test_objections import file_on_portal

from .test_upload_proof import HOSTILE, polyglot_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def active(province, as_user):
    return ListEntry.objects.get(pk=list_through_api(province, as_user)["id"])


def _upload(name, data):
    return SimpleUploadedFile(name, data, "application/pdf" if name.endswith(".pdf") else "image/png")


def test_the_public_api_refuses_each_hostile_file_with_a_field_error_and_writes_nothing(province, active):
    for name, build, code in HOSTILE:
        response = file_on_portal(province, active, files=[_upload(name, build())])
        assert response.status_code == 400, (name, response.content[:300])
        body = response.json()
        assert body["code"] == "validation_error" and response["Content-Type"].startswith("application/json")
        assert [e["code"] for e in body["fields"]["attachments"]] == [code], name
        assert name in body["fields"]["attachments"][0]["message"]
    assert not ObjectionCase.objects.exists() and not Attachment.objects.exists()


def test_the_public_api_takes_a_real_pdf_and_a_real_png_and_stores_the_proven_types(province, active):
    response = file_on_portal(province, active, files=[_upload("凭证.pdf", minimal_pdf("凭证")),
                                                       _upload("现场照片.png", png())])
    assert response.status_code == 201, response.json()
    case = ObjectionCase.objects.get(number=response.json()["number"])
    assert [a.content_type for a in intake.attachments_of(case)] == ["application/pdf", "image/png"]


def test_a_supplement_with_a_polyglot_is_refused_and_attachments_sent_as_text_are_a_field_error(province, active):
    filed = file_on_portal(province, active).json()
    url = f"/api/v1/public/objections/{filed['number']}/supplement/"
    response = APIClient().post(url, {"code": filed["query_code"], "note": "补充",
                                      "attachments": [_upload("补充.pdf", polyglot_pdf())]}, format="multipart")
    assert response.status_code == 400 and response.json()["fields"]["attachments"][0]["code"] == "attachment_not_pdf"
    as_text = APIClient().post(url, {"code": filed["query_code"], "attachments": "https://evil.example/x.pdf"},
                               format="json")
    assert as_text.status_code == 400 and as_text.json()["fields"]["attachments"][0]["code"] == "not_a_file"
    case = ObjectionCase.objects.get(number=filed["number"])
    assert intake.attachments_of(case).count() == 1  # only the evidence filed with the case


def test_an_officer_filing_at_the_counter_gets_the_same_field_error(province, active, as_user):
    response = as_user(province["officer"]).post("/api/v1/objections/", {
        "entry": active.pk, "channel": "COUNTER", "grounds": "当面递交的复议决定书", "applicant_name": "张三",
        "applicant_contact": "13800000000", "attachments": [_upload("决定书.pdf", polyglot_pdf())],
    }, format="multipart")
    assert response.status_code == 400
    assert response.json()["fields"]["attachments"][0]["code"] == "attachment_not_pdf"


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_the_portal_upload_step_refuses_each_hostile_file_and_keeps_the_real_ones(htmx):
    client = client_for(language="en")
    client.get("/portal/file/objection/?new=1")
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    for name, build, _code in HOSTILE:
        response = client.post("/portal/file/objection/upload/", {"group": "attachments",
                                                                  "files": [_upload(name, build())]}, **headers)
        assert response.status_code == (200 if htmx else 400), name
        html = response.content.decode()
        assert 'class="errorlist"' in html and name in html, name
        assert 'class="file-name"' not in html, f"{name} was kept with the draft"
    for name, data in (("凭证.pdf", minimal_pdf("凭证")), ("照片.png", png())):
        response = client.post("/portal/file/objection/upload/", {"group": "attachments",
                                                                  "files": [_upload(name, data)]}, **headers)
        assert response.status_code == (200 if htmx else 302), name
    kept = client.session["portal_draft_objection"]["files"]
    assert [(f["name"], f["content_type"]) for f in kept] == [("凭证.pdf", "application/pdf"), ("照片.png", "image/png")]
