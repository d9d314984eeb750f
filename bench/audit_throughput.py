"""Audited vs unaudited transitions per second with N concurrent workers (default 4).

A "transition" here is what every case transition does to the database: lock the case row, change
its state, save it (one transaction). The audited variant also appends the event to the case's
hash chain. Workers are separate processes with their own connections, on real PostgreSQL
(fsync on). Two shapes: every worker on its own cases (the normal case: chains never contend) and
every worker on ONE case (the worst case: one chain, serialised by its head row lock).

    scripts/bench audit_throughput [--workers 4] [--seconds 10]
"""

import argparse
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.embedded")


def setup_django():
    import django

    django.setup()


def prepare(n_subjects: int) -> list[int]:
    from cases.identifiers import make_uscc
    from cases.models import Subject

    existing = list(Subject.objects.values_list("pk", flat=True)[:n_subjects])
    if len(existing) >= n_subjects:
        return existing
    rows = [
        Subject(kind="LEGAL_PERSON", identifier_type="USCC", identifier=make_uscc("91", "540100", f"B{i:07d}"),
                name=f"基准测试企业{i}")
        for i in range(n_subjects)
    ]
    Subject.objects.bulk_create(rows, ignore_conflicts=True)
    return list(Subject.objects.values_list("pk", flat=True)[:n_subjects])


def worker(args):
    worker_id, pks, audited, seconds, barrier = args
    setup_django()
    from django.db import connection, transaction

    from cases.audit.services import audit_record
    from cases.models import Subject

    connection.ensure_connection()
    barrier.wait()
    done, i, t_end = 0, 0, time.monotonic() + seconds
    while time.monotonic() < t_end:
        pk = pks[i % len(pks)]
        i += 1
        with transaction.atomic():
            subject = Subject.objects.select_for_update().get(pk=pk)
            old = subject.address
            subject.address = f"w{worker_id}-{i}"
            subject.save(update_fields=["address"])
            if audited:
                audit_record(action="bench.transition", obj=subject, from_state=old[:32], to_state=subject.address,
                             changes={"address": [old, subject.address]}, reason="benchmark")
        done += 1
    return done


def run(pks_per_worker, audited, seconds):
    ctx = mp.get_context("spawn")
    barrier = ctx.Manager().Barrier(len(pks_per_worker))
    with ctx.Pool(len(pks_per_worker)) as pool:
        results = pool.map(worker, [(w, pks, audited, seconds, barrier) for w, pks in enumerate(pks_per_worker)])
    return sum(results) / seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--cases-per-worker", type=int, default=500)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from cases.audit.verify import verify

    pks = prepare(args.workers * args.cases_per_worker)
    own = [pks[w::args.workers] for w in range(args.workers)]
    shared = [[pks[0]] for _ in range(args.workers)]
    connection.close()

    rows = []
    for label, split in (("own cases", own), ("one shared case", shared)):
        plain = run(split, False, args.seconds)
        audited = run(split, True, args.seconds)
        rows.append((label, plain, audited))
    report = verify()
    print(f"PostgreSQL, {args.workers} worker processes, {args.seconds:.0f} s per run, fsync on")
    print(f"{'shape':<18}{'unaudited/s':>14}{'audited/s':>12}{'ratio':>8}")
    for label, plain, audited in rows:
        print(f"{label:<18}{plain:>14.0f}{audited:>12.0f}{audited / plain:>8.2f}")
    print(f"audit_verify after the run: {'OK' if report.ok else 'FAILED'} ({report.events} events, {report.chains} chains)")


if __name__ == "__main__":
    main()
