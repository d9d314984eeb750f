"""Two jobs of one unit carrying the same record ids, run at the same time: one entry per record id
(the per-unit advisory lock serialises the writers; the second sees the first's rows)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from cases.imports import jobs
from cases.models import ImportedRecord, ImportJob, ListEntry

from .conftest import entry_row, to_csv


@pytest.mark.django_db(transaction=True)
def test_the_same_batch_submitted_twice_at_once_creates_each_entry_once(province, tokens, settings, monkeypatch):
    settings.IMPORTS_FLOWS_AUTOSTART = False
    data = to_csv([entry_row(n, province["blacklist"].code) for n in range(50)])
    token = tokens["entries_token"]
    # Submitted with the broker's hand-off captured: both jobs are queued, then run side by side.
    queued = []
    monkeypatch.setattr(jobs, "_enqueue_run", queued.append)
    for _ in range(2):
        jobs.import_submit(token=token, kind="ENTRIES", data=data, file_name="batch.csv")
    barrier = threading.Barrier(2)
    failures = []

    def run(job_id):
        try:
            barrier.wait()
            jobs.import_run(job_id)
        except Exception as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job_id,)) for job_id in queued]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not failures
    assert ListEntry.objects.count() == ImportedRecord.objects.count() == 50
    results = sorted(ImportJob.objects.values_list("state", "created_count", "unchanged_count"))
    assert results == [("DONE", 0, 50), ("DONE", 50, 0)]
