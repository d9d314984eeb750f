"""Fixtures of the import tests: unit tokens, a CSV generator and a submit helper."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from rest_framework.test import APIClient

from cases.identifiers import make_resident_id, make_uscc
from cases.imports.tokens import api_token_issue

ENTRY_COLUMNS = ["record_id", "list_type", "identifier", "subject_name", "subject_kind", "facts", "reasons", "basis",
                 "document_date"]


@pytest.fixture
def tokens(province):
    p = province
    out = {}
    for name, unit, scopes in (
        ("entries", p["listing"], ["entries:submit"]),
        ("listing_feedback", p["listing"], ["feedback:submit"]),
        ("impl_a", p["impl_a"], ["feedback:submit"]),
        ("outsider", p["outsider_unit"], ["entries:submit", "feedback:submit"]),
    ):
        token, raw = api_token_issue(actor=None, unit=unit, name=name, scopes=scopes)
        out[name] = raw
        out[name + "_token"] = token
    return out


def client_for(raw_token: str, language: str = "zh-hans") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_token}")
    return client


def uscc(n: int) -> str:
    return make_uscc("91", "540102", f"K{n:07d}")


def person(n: int) -> str:
    return make_resident_id("540102", dt.date(1980, 1, 1) + dt.timedelta(days=n % 9000), f"{n % 1000:03d}")


def entry_row(n: int, list_type: str, **over) -> dict:
    row = {"record_id": f"R{n:07d}", "list_type": list_type, "identifier": uscc(n),
           "subject_name": f"导入测试{n}有限公司", "subject_kind": "", "facts": f"第{n}号行政处罚决定书认定的失信行为",
           "reasons": "符合严重失信主体名单认定标准", "basis": "", "document_date": "2026-01-15"}
    row.update(over)
    return row


def to_csv(rows: list[dict], columns=ENTRY_COLUMNS) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode()


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """POST a batch and run the queued job (eager Celery) the way the broker would after commit."""

    def post(raw_token, data: bytes, *, kind="entries", name="batch.csv", language="zh-hans", content_type=None):
        client = client_for(raw_token, language)
        with django_capture_on_commit_callbacks(execute=True):
            if content_type:
                response = client.post(f"/api/v1/imports/{kind}/", data=data, content_type=content_type)
            else:
                response = client.post(f"/api/v1/imports/{kind}/", {"file": io_file(data, name)}, format="multipart")
        return response

    return post


def io_file(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
