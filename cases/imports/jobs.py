"""Import jobs: submission (the file is checked, stored and queued), the run (Celery task
``imports.run`` on queue "imports"), progress and the error report.

A job commits chunk by chunk (``CHUNK`` rows): its progress is visible while it runs, and a worker
that dies mid-job leaves whole chunks behind; running the job again (the task is acks-late, so the
broker redelivers it) skips what was written, by record id, and rebuilds the error list.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import logging
import queue
import sys
import threading

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.audit.services import audit_record
from cases.errors import Forbidden, NotFound
from cases.locking import for_update
from cases.models import ApiToken, ImportJob, ImportRowError
from cases.selectors.scope import staff_of

from . import parsing
from .entries import write_chunk
from .feedback import apply_feedback_row, validate_feedback_row
from .messages import render
from .validation import ENTRY_REQUIRED, FEEDBACK_REQUIRED, EntryLookups, validate_entry_row

log = logging.getLogger(__name__)
CHUNK = 5000
Kind = ImportJob.Kind
SCOPE_OF = {Kind.ENTRIES: ApiToken.Scope.ENTRIES_SUBMIT, Kind.FEEDBACK: ApiToken.Scope.FEEDBACK_SUBMIT}
REQUIRED = {Kind.ENTRIES: ENTRY_REQUIRED, Kind.FEEDBACK: FEEDBACK_REQUIRED}


def require_scope(token: ApiToken, kind: str) -> None:
    if SCOPE_OF[kind] not in token.scopes:
        raise Forbidden(_("This token may not do this (scope %(scope)s is missing).") % {"scope": SCOPE_OF[kind]},
                        code="token_scope")


def copy_rows(cur, table: str, columns: list[str], rows) -> None:
    """``COPY`` an iterable of rows into ``table`` (None is NULL)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in rows:
        writer.writerow(["\\N" if v is None else v for v in row])
    data = buf.getvalue()  # read at once (entries._copy_stage says why)
    cur.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                    io.StringIO(data), len(data) + 1)


@transaction.atomic
def import_submit(*, token: ApiToken, kind: str, data: bytes, file_name: str = "", content_type: str = "",
                  file_format: str | None = None) -> ImportJob:
    """Check the file's shape (a malformed file is refused here, with a 400), store it, and queue
    the job after commit. The token's unit is the providing (or implementing) unit."""
    require_scope(token, kind)
    fmt = (file_format or parsing.guess_format(file_name, content_type) or "").lower()
    if fmt not in parsing.READERS:
        raise parsing.FileRefused("file_format", _("Send CSV, JSON or XLSX (name the file .csv, .json or .xlsx)."))
    shape = parsing.inspect(data, fmt, required=REQUIRED[kind])
    digest = hashlib.sha256(data).hexdigest()
    job = ImportJob(kind=kind, unit=token.unit, token=token, submitted_by=token.user, file_format=fmt,
                    file_name=(file_name or "")[:255], file_sha256=digest, total_rows=shape.rows)
    job.file.save(f"{token.unit.code}-{digest[:16]}.{fmt}", ContentFile(data), save=False)
    job.save()
    audit_record(action="import.submit", obj=job, actor=token.user, actor_unit=token.unit,
                 changes={"kind": [None, kind], "rows": [None, shape.rows], "sha256": [None, digest]})
    job_id = job.pk
    transaction.on_commit(lambda: _enqueue_run(job_id))
    return job


def _enqueue_run(job_id: int) -> None:
    from cases.tasks import run_import

    run_import.apply_async(args=[job_id], queue="imports")


def _claim(job_id: int) -> ImportJob | None:
    with transaction.atomic():
        job = for_update(ImportJob.objects, skip_locked=True).select_related("unit", "token", "submitted_by") \
            .filter(pk=job_id).first()
        if job is None or job.state in (ImportJob.State.DONE, ImportJob.State.FAILED):
            return None
        ImportRowError.objects.filter(job=job).delete()  # a redelivered job rebuilds its report
        job.state, job.started_at = ImportJob.State.RUNNING, timezone.now()
        job.processed_rows = job.created_count = job.updated_count = job.unchanged_count = job.error_count = 0
        job.save()
    return job


def _progress(job: ImportJob, *, processed: int, created=0, updated=0, unchanged=0, errors=()) -> None:
    with transaction.atomic():
        if errors:
            with connection.cursor() as cur:  # COPY: a batch may carry tens of thousands of bad rows
                copy_rows(cur, ImportRowError._meta.db_table, ["job_id", "line", "record_id", "field", "code", "params"],
                          ((job.pk, line, (rid or "")[:64], f[:32], c, json.dumps(p or {}, ensure_ascii=False))
                           for line, rid, f, c, p in errors))
        job.processed_rows += processed
        job.created_count += created
        job.updated_count += updated
        job.unchanged_count += unchanged
        job.error_count += len({e[0] for e in errors})
        job.flows_pending += created if job.kind == Kind.ENTRIES else 0
        job.save(update_fields=["processed_rows", "created_count", "updated_count", "unchanged_count", "error_count",
                                "flows_pending"])


def import_run(job_id: int) -> ImportJob | None:
    """Run a queued job (idempotent: a finished job is left alone; a half-run one starts over and
    skips the rows it already wrote)."""
    with connection.cursor() as cur:  # one runner per job, even if the broker redelivers it meanwhile
        cur.execute("SELECT pg_try_advisory_lock(hashtext('imports:job'), %s::int)", [job_id])
        if not cur.fetchone()[0]:
            return None
    try:
        return _run_claimed(job_id)
    finally:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(hashtext('imports:job'), %s::int)", [job_id])


def _run_claimed(job_id: int) -> ImportJob | None:
    job = _claim(job_id)
    if job is None:
        return None
    try:
        job.file.open("rb")
        try:
            data = job.file.read()
        finally:
            job.file.close()
        rows = parsing.read_rows(data, job.file_format)
        if job.kind == Kind.ENTRIES:
            _run_entries(job, rows)
        else:
            _run_feedback(job, rows)
    except Exception as exc:  # the job records why it failed; the rows already written stay (idempotent)
        log.exception("import job %s failed", job_id)
        ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.FAILED, failure=str(exc)[:2000],
                                                   finished_at=timezone.now())
        raise
    with transaction.atomic():
        job.state, job.finished_at = ImportJob.State.DONE, timezone.now()
        job.save(update_fields=["state", "finished_at"])
        audit_record(action="import.done", obj=job, actor=job.submitted_by, actor_unit=job.unit,
                     changes={"created": [None, job.created_count], "updated": [None, job.updated_count],
                              "unchanged": [None, job.unchanged_count], "bad_rows": [None, job.error_count]})
        if job.kind == Kind.ENTRIES and job.created_count and getattr(settings, "IMPORTS_FLOWS_AUTOSTART", True):
            transaction.on_commit(lambda: _enqueue_flows(job.pk))
    return job


def _enqueue_flows(job_id: int) -> None:
    from cases.tasks import start_import_flows

    start_import_flows.apply_async(args=[job_id], queue="imports")


def _validated_chunks(rows, lookups: EntryLookups):
    """Yield ``(good rows, bad rows, rows read)`` per CHUNK rows read. Pure Python, no queries."""
    seen: dict[str, int] = {}
    chunk, errors, processed = [], [], 0
    for line, row in rows:
        processed += 1
        clean, problems = validate_entry_row(row, lookups)
        record_id = (row.get("record_id") or "").strip()
        if clean is not None and record_id in seen:
            problems = [("record_id", "duplicate_in_file", {"record_id": record_id, "first_line": seen[record_id]})]
            clean = None
        if clean is None:
            errors.extend((line, record_id, f, c, p) for f, c, p in problems)
        else:
            seen[record_id] = line
            clean["line"] = line
            chunk.append(clean)
        if processed >= CHUNK:
            yield chunk, errors, processed
            chunk, errors, processed = [], [], 0
    yield chunk, errors, processed


_DONE = object()


def _ahead(chunks, depth: int = 2):
    """Iterate ``chunks`` produced by a thread, up to ``depth`` chunks ahead of the consumer.

    Parsing and validating (pure Python, no queries) then runs while the writer waits on
    PostgreSQL, which releases the GIL: on two cores the job takes about as long as its larger
    half instead of both halves in turn. An exception in the producer is raised in the consumer."""
    out: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce():
        try:
            for item in chunks:
                if stop.is_set():
                    return
                out.put(item)
            out.put(_DONE)
        except BaseException as exc:  # handed over to the consumer, which raises it
            out.put(exc)

    worker = threading.Thread(target=produce, name="import-validate", daemon=True)
    # The writer needs the GIL back at once each time PostgreSQL answers; the default 5 ms
    # switch interval would add up to a second a job. Only while the two threads run.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    worker.start()
    try:
        while (item := out.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        sys.setswitchinterval(interval)
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            try:
                out.get_nowait()
            except queue.Empty:
                worker.join(0.05)


def _run_entries(job: ImportJob, rows) -> None:
    lookups = EntryLookups.load(job.unit, timezone.localdate())
    codes = {info.id: info.code for info in lookups.list_types.values()}
    for chunk, errors, processed in _ahead(_validated_chunks(rows, lookups)):
        result = write_chunk(job=job, actor=job.submitted_by, unit=job.unit, rows=chunk, list_type_codes=codes)
        _progress(job, processed=processed, created=result.created, updated=result.updated,
                  unchanged=result.unchanged, errors=errors + result.errors)


def _run_feedback(job: ImportJob, rows) -> None:
    today = timezone.localdate()
    processed, updated, unchanged, errors = 0, 0, 0, []
    for line, row in rows:
        processed += 1
        clean, problems = validate_feedback_row(row, today)
        if clean is None:
            errors.extend((line, row.get("record_id") or row.get("execution_id", ""), f, c, p) for f, c, p in problems)
        else:
            outcome = apply_feedback_row(job=job, actor=job.submitted_by, unit=job.unit, line=line, row=clean)
            if outcome is None:
                updated += 1
            elif outcome == "unchanged":
                unchanged += 1
            else:
                errors.append((line, clean["record_id"], *outcome))
        if processed >= 500:
            _progress(job, processed=processed, updated=updated, unchanged=unchanged, errors=errors)
            processed, updated, unchanged, errors = 0, 0, 0, []
    _progress(job, processed=processed, updated=updated, unchanged=unchanged, errors=errors)


def import_files_purge(*, older_than_days: int) -> int:
    """Delete the uploaded files of jobs finished more than ``older_than_days`` ago (retention).

    What the job did stays: its counts, its bad-row report, the entries with their record ids, and
    the file's SHA-256 (in the job and in the ``import.submit`` audit event), so a unit can still
    prove which file it sent. Returns how many files were deleted."""
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    old = ImportJob.objects.filter(state__in=[ImportJob.State.DONE, ImportJob.State.FAILED],
                                   finished_at__lt=cutoff).exclude(file="")
    purged = 0
    for job in old.select_related("unit", "submitted_by").iterator(chunk_size=200):
        with transaction.atomic():
            name = job.file.name
            job.file.delete(save=False)
            ImportJob.objects.filter(pk=job.pk).update(file="")
            audit_record(action="import.file_purged", obj=job, actor=None, actor_unit=job.unit,
                         changes={"file": [name, None]}, reason=f"retention {older_than_days} days")
        purged += 1
    return purged


# --- reads -----------------------------------------------------------------------------------

def import_job_for(*, token: ApiToken | None = None, user=None, job_id: int) -> ImportJob:
    """A job the asker may see: a token sees its unit's jobs; staff see their own unit's."""
    qs = ImportJob.objects.select_related("unit")
    if token is not None:
        qs = qs.filter(unit_id=token.unit_id)
    else:
        staff = staff_of(user)
        if staff is None:
            raise NotFound()
        qs = qs.filter(unit_id=staff.unit_id)
    job = qs.filter(pk=job_id).first()
    if job is None:
        raise NotFound()
    return job


ERROR_COLUMNS = ("line", "record_id", "field", "code", "message")


def error_report_rows(job: ImportJob):
    """Every bad row, in file order, with the message in the active language (a generator)."""
    for e in job.row_errors.order_by("line", "id").iterator(chunk_size=2000):
        yield e.line, e.record_id, e.field, e.code, render(e.code, e.params)


def error_report_csv(job: ImportJob):
    """The error report as CSV text chunks (UTF-8 with BOM so spreadsheet software reads Chinese)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    buf.write("\ufeff")
    writer.writerow(ERROR_COLUMNS)
    for n, row in enumerate(error_report_rows(job), start=1):
        writer.writerow(row)
        if n % 1000 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
