"""Shared steps of the portal tests (no tests here): a listed entry, a subject's account, and the
guided filing walked with Django's test client."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cases.models import ListEntry
from cases.portal.services import portal_account_create
from tests.pdfs import minimal_pdf
from tests.workflow.test_listing_through_the_api import list_through_api

PDF = minimal_pdf("portal evidence")
PASSWORD = "Portal-pass-2026!"


def pdf(name="凭证.pdf", data=PDF):
    return SimpleUploadedFile(name, data, "application/pdf")


@pytest.fixture(autouse=True)
def portal_media(settings, tmp_path):
    """Uploads, drafts and letters of a test go to its own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def listed(province, as_user):
    """A blacklist entry decided on 2 June 2025 (old enough to repair), ACTIVE."""
    entry = list_through_api(province, as_user, served_on="2025-05-06", decision_date="2025-06-02")
    return ListEntry.objects.get(pk=entry["id"])


@pytest.fixture
def account(db):
    return portal_account_create(username="subject-a", password=PASSWORD, name="西藏测试甲公司")


@pytest.fixture
def other_account(db):
    return portal_account_create(username="subject-b", password=PASSWORD, name="西藏测试乙公司")


def client_for(user=None, language="zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def step(client, kind, name, data=None, expect=302):
    url = f"/portal/file/{kind}/{name}/"
    response = client.post(url, data or {})
    assert response.status_code == expect, response.content.decode()[:3000]
    return response


def file_objection(client, entry, *, grounds="欠薪金额有误，实际已于2026年2月全部支付完毕", files=None) -> dict:
    """Walk every step; returns the number and query code shown on the done page."""
    client.get("/portal/file/objection/?new=1")
    step(client, "objection", "subject", {"subject": entry.subject.identifier})
    step(client, "objection", "entry", {"entry": entry.pk})
    step(client, "objection", "details", {"target": "CONTENT", "grounds": grounds})
    step(client, "objection", "applicant", {"applicant_name": "张三", "applicant_contact": "13800000000"})
    for upload in files if files is not None else [pdf()]:
        response = client.post("/portal/file/objection/upload/", {"group": "attachments", "files": [upload]})
        assert response.status_code == 302, response.content.decode()[:2000]
    step(client, "objection", "attachments")
    return _submit(client, "objection")


def file_repair(client, entry, *, commitment=True) -> dict:
    client.get("/portal/file/repair/?new=1")
    step(client, "repair", "subject", {"subject": entry.subject.identifier})
    step(client, "repair", "entry", {"entry": entry.pk})
    step(client, "repair", "details", {"performance": "已足额缴纳欠缴税款及滞纳金，违法行为已纠正"})
    step(client, "repair", "applicant", {"applicant_name": "张三", "applicant_contact": "zhangsan@example.cn"})
    client.post("/portal/file/repair/upload/", {"group": "proof", "files": [pdf("完税证明.pdf")]})
    if commitment:
        client.post("/portal/file/repair/upload/", {"group": "commitment", "files": [pdf("信用承诺书.pdf")]})
    step(client, "repair", "attachments")
    return _submit(client, "repair")


def _submit(client, kind) -> dict:
    response = client.post(f"/portal/file/{kind}/review/")
    assert response.status_code == 302 and response["Location"] == "/portal/file/done/", \
        response.content.decode()[:3000]
    done = client.get("/portal/file/done/")
    html = done.content.decode()
    import re

    number = re.search(r'id="case-number">([^<]+)<', html).group(1)
    code = re.search(r'id="query-code">([^<]+)<', html).group(1)
    return {"number": number, "code": code}
