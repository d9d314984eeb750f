"""Acceptance (issue 8): a 100,000-row CSV with 1 % bad rows imports the good rows, reports every bad
row with its line number and reason, and re-running it creates no duplicates."""

from __future__ import annotations

import csv
import io

import pytest

from cases.audit.models import AuditEvent
from cases.models import ImportedRecord, ImportJob, ListEntry, ListEntryStatePeriod

from .conftest import client_for, entry_row, to_csv

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
ROWS = 100_000


def _batch(list_type: str) -> tuple[bytes, dict[int, tuple[str, str]]]:
    """Every 100th row is bad, in one of five ways; returns the file and {line: (field, code)}."""
    rows, bad = [], {}
    for n in range(ROWS):
        line = n + 2  # the header is line 1
        row = entry_row(n, list_type)
        if n % 100 == 99:
            kind = (n // 100) % 5
            if kind == 0:
                row["identifier"] = row["identifier"][:17] + ("0" if row["identifier"][17] != "0" else "1")
                bad[line] = ("identifier", "uscc_check")
            elif kind == 1:
                row["list_type"] = "not-a-list"
                bad[line] = ("list_type", "unknown_list_type")
            elif kind == 2:
                row["facts"] = ""
                bad[line] = ("facts", "required")
            elif kind == 3:
                row["document_date"] = "2026-02-30"
                bad[line] = ("document_date", "invalid_date")
            else:
                row["record_id"] = f"R{n - 1:07d}"  # the previous (good) row's record id
                bad[line] = ("record_id", "duplicate_in_file")
        rows.append(row)
    return to_csv(rows), bad


def test_hundred_thousand_rows_one_percent_bad_then_rerun_creates_nothing(province, tokens, submit, settings):
    settings.IMPORTS_FLOWS_AUTOSTART = False  # flow starts are their own stage (tested and measured apart)
    data, bad = _batch(province["blacklist"].code)
    assert len(bad) == ROWS // 100

    first = submit(tokens["entries"], data)
    assert first.status_code == 202, first.json()
    job = ImportJob.objects.get(pk=first.json()["id"])
    assert (job.state, job.total_rows, job.processed_rows) == ("DONE", ROWS, ROWS)
    assert (job.created_count, job.error_count) == (ROWS - len(bad), len(bad))
    assert ListEntry.objects.count() == ROWS - len(bad)
    assert ListEntryStatePeriod.objects.count() == ROWS - len(bad)
    assert job.flows_pending == ROWS - len(bad)
    # One audit event per written chunk (ADR 0005), together naming every created entry once.
    listed = [e[0] for ev in AuditEvent.objects.filter(action="import.batch") for e in ev.changes["entries"][1]]
    assert sorted(listed) == sorted(ImportedRecord.objects.values_list("entry_id", flat=True))

    # Every bad row, by line, with its field and reason (the downloadable report).
    response = client_for(tokens["entries"]).get(f"/api/v1/imports/{job.pk}/errors.csv")
    report = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert {int(r["line"]): (r["field"], r["code"]) for r in report} == bad
    assert all(r["message"] and r["message"] != r["code"] for r in report)

    second = submit(tokens["entries"], data)
    rerun = ImportJob.objects.get(pk=second.json()["id"])
    assert (rerun.state, rerun.created_count, rerun.unchanged_count, rerun.error_count) == (
        "DONE", 0, ROWS - len(bad), len(bad))
    assert ListEntry.objects.count() == ROWS - len(bad)
    assert ImportedRecord.objects.count() == ROWS - len(bad)
