"""Bulk import throughput (issue 8): rows imported per second, beside a plain COPY of the same file.

Generates an N-row CSV of list entries (1 % bad rows, as in the acceptance test), then measures:

1. the limit: ``COPY`` of the same file into a bare table of text columns (no validation, no
   indexes, no constraints);
2. the import job exactly as the Celery task runs it (``cases.imports.jobs.import_run``): parse,
   validate row by row, staging COPY, set-based upsert, audit events, bad-row report;
3. a re-run of the same file (every row already imported: the idempotency path);
4. the deferred listing-flow starts (``start_pending_flows``) on a sample, as flows per second.

    scripts/bench imports [--rows 100000] [--flows 1000] [--profile] [--sql-profile]

The figures go to docs/performance.md ("Bulk import").
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import cProfile
import csv
import io
import os
import platform
import pstats
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.embedded")
# The flow starts are timed on their own (step 4), not inside the job's after-commit hook.
os.environ["IMPORTS_FLOWS_AUTOSTART"] = "false"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.db import connection  # noqa: E402

from cases.identifiers import make_uscc  # noqa: E402
from cases.imports import jobs  # noqa: E402
from cases.imports.flows import start_pending_flows  # noqa: E402
from cases.imports.tokens import api_token_issue  # noqa: E402
from cases.models import ApiToken, ImportedRecord, ImportJob, ListType, Region, Unit  # noqa: E402
from cases.services.registry import catalogue_seed, list_type_create, unit_assign_role, unit_create  # noqa: E402

COLUMNS = ["record_id", "list_type", "identifier", "subject_name", "facts", "reasons", "document_date"]


def generate(rows: int, list_type: str, tag: str) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for n in range(rows):
        code = make_uscc("91", "540102", f"{tag}{n:06d}")
        row = [f"{tag}{n:08d}", list_type, code, f"基准导入{n}有限公司", f"第{n}号行政处罚决定书认定的失信行为",
               "符合严重失信主体名单认定标准", "2026-01-15"]
        if n % 100 == 99:
            row[4] = ""  # 1 % bad rows
        w.writerow(row)
    return buf.getvalue().encode()


def world(tag: str):
    catalogue_seed(update_existing=False)
    region, _ = Region.objects.get_or_create(code="540100", defaults={"name": "拉萨市"})
    unit = Unit.objects.filter(code=f"bench-imp-{tag.lower()}").first() or unit_create(
        actor=None, code=f"bench-imp-{tag.lower()}", name=f"基准导入单位{tag}", short_name=f"导入{tag}",
        region=region, document_prefix="基准")
    lt = ListType.objects.filter(code="bench-import-list").first() or list_type_create(
        actor=None, code="bench-import-list", kind="SERIOUS", name="基准导入名单", standard_document="基准〔2026〕1号",
        standard_article="第一条", validity_months=36, severity="SEVERE", min_publication_months=12,
        max_publication_months=36, repair_excluded=False, repair_exclusion_basis="", measures=[])
    unit_assign_role(actor=None, unit=unit, list_type=lt, role="LISTING")
    token = ApiToken.objects.filter(unit=unit).first() or api_token_issue(
        actor=None, unit=unit, name="bench", scopes=["entries:submit"])[0]
    return unit, lt, token


def plain_copy(data: bytes) -> float:
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_plain_copy")
        cur.execute(f"CREATE TABLE bench_plain_copy ({', '.join(c + ' text' for c in COLUMNS)})")
        start = time.perf_counter()
        cur.copy_expert("COPY bench_plain_copy FROM STDIN WITH (FORMAT csv, HEADER true)", io.BytesIO(data))
        connection.commit() if not connection.get_autocommit() else None
        took = time.perf_counter() - start
        cur.execute("DROP TABLE bench_plain_copy")
    return took


class SqlClock:
    """Where PostgreSQL's share of the job goes (``--sql-profile``): wall time per statement kind,
    COPY target and commit, measured around each call in this process."""

    def __init__(self):
        self.spent = collections.defaultdict(lambda: [0, 0.0])

    def add(self, key: str, took: float) -> None:
        self.spent[key][0] += 1
        self.spent[key][1] += took

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.add(" ".join(sql.split()[:6])[:90], time.perf_counter() - start)

    @contextlib.contextmanager
    def installed(self):
        from django.db.backends.postgresql import base

        commit = base.DatabaseWrapper._commit
        from django.db.backends.utils import CursorWrapper

        wrappers = (base.CursorDebugWrapper, CursorWrapper)
        saved = [w.__dict__.get("copy_expert") for w in wrappers]

        def timed_commit(wrapper):
            start = time.perf_counter()
            try:
                return commit(wrapper)
            finally:
                self.add("COMMIT", time.perf_counter() - start)

        def timed_copy(cursor, sql, *args, **kwargs):
            start = time.perf_counter()
            try:
                return cursor.cursor.copy_expert(sql, *args, **kwargs)
            finally:
                self.add(" ".join(sql.split()[:3]), time.perf_counter() - start)

        base.DatabaseWrapper._commit = timed_commit
        for w in wrappers:
            w.copy_expert = timed_copy
        try:
            with connection.execute_wrapper(self):
                yield self
        finally:
            base.DatabaseWrapper._commit = commit
            for w, old in zip(wrappers, saved):
                if old is None:
                    del w.copy_expert
                else:
                    w.copy_expert = old

    def report(self, total: float) -> None:
        spent = sorted(self.spent.items(), key=lambda kv: -kv[1][1])
        in_sql = sum(s for _, s in self.spent.values())
        print(f"  in PostgreSQL calls: {in_sql:.2f} s of {total:.2f} s; the rest is this process")
        for key, (count, seconds) in spent[:20]:
            print(f"  {seconds:7.2f} s  {count:6d}×  {key}")


def wal_counters() -> tuple[int, int, int]:
    """WAL bytes written, full-page images and checkpoints so far (PostgreSQL 14+)."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_current_wal_lsn() - '0/0', (SELECT wal_fpi FROM pg_stat_wal), "
                    "(SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter)")
        return tuple(int(v) for v in cur.fetchone())


def run_job(token, data: bytes, profile: bool, sql_clock: SqlClock | None = None) -> tuple[float, ImportJob]:
    job = ImportJob(kind="ENTRIES", unit=token.unit, token=token, submitted_by=token.user, file_format="csv",
                    file_name="bench.csv", file_sha256="bench", total_rows=data.count(b"\n") - 1)
    job.file.save("bench.csv", ContentFile(data), save=False)
    job.save()
    profiler = cProfile.Profile() if profile else None
    wal_before = wal_counters()
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    with sql_clock.installed() if sql_clock else contextlib.nullcontext():
        jobs.import_run(job.pk)
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    took = time.perf_counter() - start
    if sql_clock:
        sql_clock.report(took)
        wal_after = wal_counters()
        print("  WAL written: {:.0f} MB, {:,} full-page images, {} checkpoints".format(
            *((a - b) / d for a, b, d in zip(wal_after, wal_before, (1e6, 1, 1)))))
    job.refresh_from_db()
    return took, job


def main():
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--flows", type=int, default=1000, help="flow starts to time (0: skip)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sql-profile", action="store_true", help="time each kind of statement, COPY and commit")
    args = parser.parse_args()
    tag = "".join(random.choice("ABCDEFGHJKLMNPQRTUWXY") for _ in range(2))  # fresh codes each run
    unit, lt, token = world(tag)
    data = generate(args.rows, lt.code, tag)
    print(f"# bulk import bench · {platform.processor() or platform.machine()} · {os.cpu_count()} CPUs · "
          f"PostgreSQL at {settings.DATABASES['default'].get('HOST')}:{settings.DATABASES['default'].get('PORT')}")
    print(f"file: {args.rows:,} rows, {len(data) / 1e6:.1f} MB CSV, 1 % bad")
    copy_s = plain_copy(data)
    print(f"plain COPY into a bare table: {copy_s:.2f} s  ({args.rows / copy_s:,.0f} rows/s)")
    took, job = run_job(token, data, args.profile, SqlClock() if args.sql_profile else None)
    print(f"import job: {took:.2f} s  ({args.rows / took:,.0f} rows/s); created {job.created_count:,}, "
          f"bad {job.error_count:,}")
    took2, job2 = run_job(token, data, False)
    print(f"re-run of the same file: {took2:.2f} s  ({args.rows / took2:,.0f} rows/s); created "
          f"{job2.created_count:,}, unchanged {job2.unchanged_count:,}")
    if args.flows:
        start = time.perf_counter()
        started = start_pending_flows(job_id=job.pk, max_batches=max(1, args.flows // 200))
        flow_s = time.perf_counter() - start
        print(f"listing flows started: {started:,} in {flow_s:.2f} s ({started / flow_s:,.0f} flows/s); "
              f"{ImportedRecord.objects.filter(job=job, flow_started_at__isnull=True).count():,} left for the sweep")


if __name__ == "__main__":
    main()
