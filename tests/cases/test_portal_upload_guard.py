"""A chosen file is never silently dropped (issue 19 item 7): the attachments step is one form, so
下一步 posts the files chosen but not uploaded; they are checked and kept before the step is done,
and a refused file keeps the visitor on the step with the reason. 上传 without script posts the
same form and stays on the step; the script's upload answers with a mark when it refused."""

import pytest

from cases.models import ObjectionCase

from .test_portal_support import client_for, listed, pdf, portal_media, step  # noqa: F401

pytestmark = pytest.mark.django_db

GROUNDS = "公示的欠税金额有误，实际金额应为十二万元"


def at_attachments(client, entry, kind="objection"):
    client.get(f"/portal/file/{kind}/?new=1")
    step(client, kind, "subject", {"subject": entry.subject.identifier})
    step(client, kind, "entry", {"entry": entry.pk})
    details = {"target": "CONTENT", "grounds": GROUNDS} if kind == "objection" else {"performance": GROUNDS}
    step(client, kind, "details", details)
    step(client, kind, "applicant", {"applicant_name": "张三", "applicant_contact": "13800000000"})


def kept_names(client, kind="objection"):
    return [f["name"] for f in client.session[f"portal_draft_{kind}"]["files"]]


def test_continue_with_a_chosen_file_keeps_it_and_moves_on(listed):
    client = client_for()
    at_attachments(client, listed)
    response = client.post("/portal/file/objection/attachments/", {"files-attachments": [pdf("完税凭证.pdf")]})
    assert response.status_code == 302 and response["Location"].endswith("/portal/file/objection/review/")
    assert kept_names(client) == ["完税凭证.pdf"]
    assert "完税凭证.pdf" in client.get("/portal/file/objection/review/").content.decode()


def test_continue_with_a_refused_file_stays_on_the_step_and_says_why(listed):
    client = client_for(language="en")
    at_attachments(client, listed)
    response = client.post("/portal/file/objection/attachments/", {"files-attachments": [pdf("fake.pdf", b"MZ not a pdf")]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "fake.pdf" in html and 'id="refusal-attachments" role="alert"><ul class="errorlist">' in html
    assert kept_names(client) == []
    assert "attachments" not in client.session["portal_draft_objection"]["done"]


def test_upload_without_script_keeps_the_file_and_stays_on_the_step(listed):
    client = client_for()
    at_attachments(client, listed, kind="repair")
    response = client.post("/portal/file/repair/attachments/", {"upload": "proof", "files-proof": [pdf("完税证明.pdf")]})
    assert response.status_code == 302 and response["Location"].endswith("/portal/file/repair/attachments/")
    assert kept_names(client, "repair") == ["完税证明.pdf"]
    page = client.get("/portal/file/repair/attachments/").content.decode()
    assert "完税证明.pdf" in page
    # the required group is then satisfied: 下一步 with nothing chosen moves on
    assert client.post("/portal/file/repair/attachments/", {})["Location"].endswith("/portal/file/repair/review/")


def test_a_required_group_left_empty_is_named_beside_its_input(listed):
    client = client_for(language="en")
    at_attachments(client, listed, kind="repair")
    html = client.post("/portal/file/repair/attachments/", {}).content.decode()
    assert 'id="refusal-proof" role="alert"><ul class="errorlist"><li>Attach at least one file here.' in html


def test_the_script_s_upload_marks_a_refusal_and_not_a_success(listed):
    client = client_for()
    at_attachments(client, listed)
    refused = client.post("/portal/file/objection/upload/", {"group": "attachments", "files": [pdf("x.pdf", b"no")]},
                          HTTP_HX_REQUEST="true")
    assert refused.status_code == 200 and refused["X-Upload-Refused"] == "1"
    kept = client.post("/portal/file/objection/upload/", {"group": "attachments", "files": [pdf()]},
                       HTTP_HX_REQUEST="true")
    assert kept.status_code == 200 and "X-Upload-Refused" not in kept
    assert kept_names(client) == ["凭证.pdf"] and not ObjectionCase.objects.exists()
