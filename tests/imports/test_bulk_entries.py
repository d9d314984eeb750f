"""Bulk list entries from a data-providing unit's system (issue 8 item 4)."""

from __future__ import annotations

import csv
import io

import pytest

from cases.audit.models import AuditEvent
from cases.audit.verify import verify
from cases.models import ImportBatch, ImportedRecord, ImportJob, ListEntry, Subject
from cases.services import entries as entry_services

from .conftest import client_for, entry_row, person, to_csv

pytestmark = pytest.mark.django_db


def test_small_batch_creates_drafts_for_the_listing_unit_with_subjects_and_audit(province, tokens, submit):
    p = province
    rows = [entry_row(1, p["blacklist"].code), entry_row(2, p["red"].code),
            entry_row(3, p["blacklist"].code, identifier=person(3), subject_name="张三", subject_kind="自然人")]
    response = submit(tokens["entries"], to_csv(rows))
    assert response.status_code == 202, response.json()
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert (job.state, job.total_rows, job.created_count, job.error_count) == ("DONE", 3, 3, 0)
    entries = ListEntry.objects.filter(import_record__job=job).order_by("import_record__record_id")
    assert [e.state for e in entries] == ["DRAFT"] * 3
    assert {e.listing_unit_id for e in entries} == {p["listing"].pk}
    assert {e.data_providing_unit_id for e in entries} == {p["listing"].pk}
    assert entries[0].basis == "测试〔2026〕1号 第三条"  # the list type's standard when the row names none
    assert Subject.objects.get(identifier=person(3)).kind == "NATURAL_PERSON"
    # One audit event for the batch, naming every entry and every new subject (ADR 0005).
    batch = ImportBatch.objects.get(job=job)
    assert {r.batch_id for r in ImportedRecord.objects.filter(job=job)} == {batch.pk}
    event = AuditEvent.objects.get(chain=f"cases.importbatch:{batch.pk}")
    assert (event.action, event.seq, event.to_state, event.actor_unit_id) == ("import.batch", 1, "DRAFT", p["listing"].pk)
    listed = {e[0]: e[1:] for e in event.changes["entries"][1]}
    assert event.changes["columns"][1]["entries"] == ["entry", "line", "record_id", "subject", "list_type"]
    for line, e in zip((2, 3, 4), entries):
        assert listed[e.pk] == [line, e.import_record.record_id, e.subject.identifier, e.list_type.code]
    registered = {s[1]: s for s in event.changes["subjects"][1]}
    assert registered[person(3)] == [Subject.objects.get(identifier=person(3)).pk, person(3), "张三", "NATURAL_PERSON"]
    assert len(registered) == 3 and (batch.entries_created, batch.subjects_created) == (3, 3)
    assert not AuditEvent.objects.filter(action="entry.draft").exists()
    assert not AuditEvent.objects.filter(action="subject.register", object_id__in=[str(s[0]) for s in registered.values()]).exists()
    assert verify().ok


def test_listing_flows_start_after_the_rows_commit(province, tokens, submit):
    from workflow.models import WorkItem

    p = province
    submit(tokens["entries"], to_csv([entry_row(1, p["blacklist"].code), entry_row(2, p["red"].code)]))
    records = ImportedRecord.objects.all()
    assert all(r.flow_started_at is not None for r in records)
    assert ImportJob.objects.get().flows_pending == 0
    steps = {WorkItem.objects.get(object_id=r.entry_id, is_open=True).step for r in records}
    assert steps == {"prior_notice", "publication"}  # blacklist: notice first; red list: publication
    assert set(WorkItem.objects.filter(object_id__in=[r.entry_id for r in records]).values_list("unit", flat=True)) == {
        p["listing"].pk}


def test_resending_a_file_creates_nothing_twice_and_a_changed_draft_is_updated(province, tokens, submit):
    p = province
    rows = [entry_row(n, p["blacklist"].code) for n in range(1, 6)]
    submit(tokens["entries"], to_csv(rows))
    rows[0]["facts"] = "更正后的失信事实"
    second = submit(tokens["entries"], to_csv(rows)).json()
    job = ImportJob.objects.get(pk=second["id"])
    assert (job.created_count, job.updated_count, job.unchanged_count, job.error_count) == (0, 1, 4, 0)
    assert ListEntry.objects.count() == 5
    entry = ImportedRecord.objects.get(record_id="R0000001").entry
    assert entry.facts == "更正后的失信事实"
    assert AuditEvent.objects.filter(chain=f"cases.listentry:{entry.pk}", action="entry.import_update").exists()


def test_a_changed_record_whose_entry_moved_on_is_refused_not_overwritten(province, tokens, submit):
    p = province
    rows = [entry_row(1, p["blacklist"].code)]
    submit(tokens["entries"], to_csv(rows))
    entry = ImportedRecord.objects.get().entry
    entry_services.entry_send_notice(actor=p["officer"], entry=entry)
    rows[0]["facts"] = "另一版本的事实"
    job = ImportJob.objects.get(pk=submit(tokens["entries"], to_csv(rows)).json()["id"])
    assert (job.created_count, job.error_count) == (0, 1)
    assert job.row_errors.get().code == "record_changed"
    entry.refresh_from_db()
    assert entry.facts != "另一版本的事实"


def test_every_bad_row_is_reported_with_line_field_and_reason_in_chinese_or_english(province, tokens, submit):
    p = province
    bad_code = entry_row(2, p["blacklist"].code)["identifier"][:17] + "0"
    if bad_code == entry_row(2, p["blacklist"].code)["identifier"]:
        bad_code = bad_code[:17] + "1"
    rows = [
        entry_row(1, p["blacklist"].code),
        entry_row(2, p["blacklist"].code, identifier=bad_code),  # line 3: check character
        entry_row(3, "no-such-list"),  # line 4
        entry_row(4, p["blacklist"].code, facts=""),  # line 5
        entry_row(5, p["blacklist"].code, document_date="2026-13-01"),  # line 6
        entry_row(1, p["blacklist"].code),  # line 7: record id again
    ]
    job_id = submit(tokens["entries"], to_csv(rows)).json()["id"]
    job = ImportJob.objects.get(pk=job_id)
    assert (job.created_count, job.error_count) == (1, 5)
    client = client_for(tokens["entries"])
    errors = client.get(f"/api/v1/imports/{job_id}/errors/").json()["results"]
    assert [(e["line"], e["field"], e["code"]) for e in errors] == [
        (3, "identifier", "uscc_check"), (4, "list_type", "unknown_list_type"), (5, "facts", "required"),
        (6, "document_date", "invalid_date"), (7, "record_id", "duplicate_in_file")]
    assert "校验码" in errors[0]["message"] or "第18位" in errors[0]["message"] or "字符" in errors[0]["message"]
    english = client_for(tokens["entries"], "en").get(f"/api/v1/imports/{job_id}/errors.csv")
    assert english.status_code == 200 and english["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(b"".join(english.streaming_content).decode("utf-8-sig"))))
    assert lines[0] == ["line", "record_id", "field", "code", "message"]
    assert lines[3][:4] == ["5", "R0000004", "facts", "required"] and lines[3][4] == "This field is required."


def test_json_and_xlsx_batches_are_read_like_csv(province, tokens, submit):
    import json

    from openpyxl import Workbook

    p = province
    body = json.dumps({"rows": [entry_row(1, p["blacklist"].code)]}, ensure_ascii=False).encode()
    assert submit(tokens["entries"], body, content_type="application/json").status_code == 202
    book = Workbook()
    sheet = book.active
    sheet.append(["记录编号", "名单类型", "统一社会信用代码", "主体名称", "失信事实", "理由"])
    row = entry_row(2, p["blacklist"].code)
    sheet.append([row["record_id"], row["list_type"], row["identifier"], row["subject_name"], row["facts"], row["reasons"]])
    buf = io.BytesIO()
    book.save(buf)
    assert submit(tokens["entries"], buf.getvalue(), name="batch.xlsx").status_code == 202
    assert list(ImportJob.objects.order_by("id").values_list("file_format", "created_count")) == [("json", 1), ("xlsx", 1)]


def test_a_redelivered_job_is_not_run_twice_and_a_half_run_job_skips_what_it_wrote(province, tokens, submit):
    from cases.imports.jobs import import_run

    p = province
    job_id = submit(tokens["entries"], to_csv([entry_row(n, p["blacklist"].code) for n in range(4)])).json()["id"]
    assert import_run(job_id) is None  # DONE: the broker's second delivery does nothing
    # A worker lost mid-job leaves the job RUNNING with its chunks written: the re-run skips them.
    ImportJob.objects.filter(pk=job_id).update(state="RUNNING")
    job = import_run(job_id)
    assert (job.state, job.created_count, job.unchanged_count, job.error_count) == ("DONE", 0, 4, 0)
    assert ImportedRecord.objects.count() == ListEntry.objects.count() == 4


def test_uploaded_files_are_deleted_after_their_retention_and_the_proof_of_what_was_sent_stays(
        province, tokens, submit, settings, tmp_path):
    import datetime as dt
    import os

    from django.utils import timezone

    from cases.tasks import purge_import_files

    settings.MEDIA_ROOT = tmp_path
    data = to_csv([entry_row(1, province["blacklist"].code)])
    old, recent = (ImportJob.objects.get(pk=submit(tokens["entries"], data, name=f"{n}.csv").json()["id"])
                   for n in ("old", "recent"))
    ImportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=91))
    path = old.file.path

    assert settings.CELERY_BEAT_SCHEDULE["imports-purge-files"]["task"] == purge_import_files.name
    assert purge_import_files.delay().get() == 1  # IMPORTS_FILE_RETENTION_DAYS = 90
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file and recent.file and not os.path.exists(path)
    assert old.file_sha256 and old.created_count + old.unchanged_count == 1  # what the job did stays
    purged = AuditEvent.objects.get(chain=f"cases.importjob:{old.pk}", action="import.file_purged")
    assert purged.changes["file"][1] is None
    assert purge_import_files.delay().get() == 0  # nothing left to delete
    assert verify().ok


def test_audit_listeners_hear_the_batch_event_as_stored(province, tokens, submit):
    from cases.audit import services as audit_services

    heard = []
    audit_services.on_audit_event(heard.append, actions={"import.batch"})
    try:
        rows = [entry_row(n, province["blacklist"].code) for n in (1, 2)]
        assert submit(tokens["entries"], to_csv(rows)).status_code == 202
    finally:
        audit_services._listeners[:] = [item for item in audit_services._listeners if item[0] != heard.append]
    assert [e.action for e in heard] == ["import.batch"]
    stored = AuditEvent.objects.get(pk=heard[0].pk)
    assert (heard[0].chain, heard[0].hash, heard[0].changes) == (stored.chain, stored.hash, stored.changes)
    assert len(stored.changes["entries"][1]) == 2


def test_validation_runs_ahead_in_a_thread_and_its_failure_reaches_the_job():
    import threading

    from cases.imports.jobs import _ahead

    def chunks():
        yield threading.current_thread().name
        yield "second"
        raise ValueError("line 10001: the file ends inside a quoted cell")

    got = []
    with pytest.raises(ValueError, match="quoted cell"):
        for item in _ahead(chunks()):
            got.append(item)
    assert got == ["import-validate", "second"]  # produced off the writer's thread

    def endless():
        n = 0
        while True:
            n += 1
            yield n

    for n in _ahead(endless()):
        if n == 3:
            break  # the writer failed: the producer stops instead of filling memory
    assert not [t for t in threading.enumerate() if t.name == "import-validate"]
