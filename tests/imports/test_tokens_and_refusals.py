"""API tokens (scopes, revocation, unit isolation) and malformed files (4xx, never 500)."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.management import call_command

from cases.models import ApiToken, ImportJob, ListEntry

from .conftest import client_for, entry_row, to_csv

pytestmark = pytest.mark.django_db


def test_only_a_hash_of_the_secret_is_kept_and_the_token_is_shown_once(province, tokens):
    token = tokens["entries_token"]
    raw = tokens["entries"]
    secret = raw.split("_", 2)[2]
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps([token.prefix, token.name, token.scopes, token.secret_hash])
    assert client_for(raw).get("/api/v1/imports/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_feedback_token_cannot_submit_entries(province, tokens, submit):
    response = submit(tokens["impl_a"], to_csv([entry_row(1, province["blacklist"].code)]))
    assert response.status_code == 403
    assert response.json()["code"] == "token_scope"
    assert ImportJob.objects.count() == 0


def test_an_entries_token_cannot_submit_feedback(province, tokens, submit):
    response = submit(tokens["entries"], b"execution_id,outcome,note\n1,APPLIED,done\n", kind="feedback")
    assert response.status_code == 403 and response.json()["code"] == "token_scope"


def test_a_unit_without_a_role_for_the_list_type_gets_every_row_refused(province, tokens, submit):
    response = submit(tokens["outsider"], to_csv([entry_row(1, province["blacklist"].code)]))
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert (job.created_count, job.error_count) == (0, 1)
    assert job.row_errors.get().code == "list_type_not_provided"
    assert ListEntry.objects.count() == 0


def test_another_units_token_cannot_see_this_units_jobs_or_reuse_its_record_ids(province, tokens, submit):
    job_id = submit(tokens["entries"], to_csv([entry_row(1, province["blacklist"].code)])).json()["id"]
    other = client_for(tokens["outsider"])
    assert other.get(f"/api/v1/imports/{job_id}/").status_code == 404
    assert other.get(f"/api/v1/imports/{job_id}/errors.csv").status_code == 404
    assert other.get("/api/v1/imports/").json()["count"] == 0
    # Staff read their own unit's jobs; an outsider's staff does not see them.
    from rest_framework.test import APIClient

    staff = APIClient()
    staff.force_authenticate(province["officer"])
    assert staff.get(f"/api/v1/imports/{job_id}/").status_code == 200
    staff.force_authenticate(province["outsider"])
    assert staff.get(f"/api/v1/imports/{job_id}/").status_code == 404


def test_staff_sign_in_cannot_submit_batches(province, as_user):
    response = as_user(province["officer"]).post("/api/v1/imports/entries/", data=b"x", content_type="text/csv")
    assert response.status_code == 403


def test_a_revoked_or_forged_token_is_refused(province, tokens):
    call_command("api_token", "revoke", tokens["entries_token"].prefix, reason="leaked")
    assert client_for(tokens["entries"]).get("/api/v1/imports/").status_code == 401
    forged = tokens["impl_a"][:-3] + "abc"
    assert client_for(forged).get("/api/v1/imports/").status_code == 401
    assert client_for("cr_nothing").get("/api/v1/imports/").status_code == 401


def test_management_command_issues_a_scoped_token(province, capsys):
    call_command("api_token", "issue", "--unit", province["impl_b"].code, "--name", "税务系统", "--scope",
                 "feedback:submit")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    token = ApiToken.objects.get(unit=province["impl_b"], name="税务系统")
    assert raw.startswith(f"cr_{token.prefix}_") and token.scopes == ["feedback:submit"]
    call_command("api_token", "list")
    assert token.prefix in capsys.readouterr().out


@pytest.mark.parametrize("name,data,code", [
    ("batch.xlsx", b"PK\x03\x04 not really a workbook", "file_malformed"),
    ("batch.csv", b"", "file_empty"),
    ("batch.csv", b"record_id,list_type\nR1,x\n", "file_columns"),
    ("batch.csv", "record_id,list_type,identifier,subject_name,facts,reasons\n".encode(), "file_empty"),
    ("batch.json", b"{not json", "file_malformed"),
    ("batch.json", b'{"rows": 5}', "file_malformed"),
    ("batch.pdf", b"%PDF-1.4", "file_format"),
    ("batch.csv", b"\xff\xfe\x00\x00\xc3\x28\xa0\xa1", "file_encoding"),
])
def test_malformed_files_are_a_400_with_a_clear_message(province, tokens, submit, name, data, code):
    response = submit(tokens["entries"], data, name=name, language="en")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code and body["fields"]["file"][0]["code"] == code and body["message"]
    assert ImportJob.objects.count() == 0


def test_missing_columns_are_named_in_chinese_by_default(province, tokens, submit):
    body = submit(tokens["entries"], b"record_id\nR1\n").json()
    assert body["code"] == "file_columns" and "facts" in body["message"] and "缺少" in body["message"]


def test_too_many_rows_is_refused(province, tokens, submit, monkeypatch):
    from cases.imports import parsing

    monkeypatch.setattr(parsing, "MAX_ROWS", 2)
    rows = [entry_row(n, province["blacklist"].code) for n in range(3)]
    response = submit(tokens["entries"], to_csv(rows))
    assert response.status_code == 400 and response.json()["code"] == "file_too_long"


def test_a_multipart_post_without_the_file_field_is_a_400(province, tokens):
    response = client_for(tokens["entries"]).post("/api/v1/imports/entries/", {"other": io.BytesIO(b"x")},
                                                  format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "file_missing"
