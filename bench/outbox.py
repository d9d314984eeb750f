"""Outbox delivery throughput: platform events delivered per second to a loopback receiver.

N outbox events (each with its platform delivery) are written across S subjects, then handed to
real Celery workers (prefork, queue "notifications") through Redis as the commit would
(``enqueue_platform``); the clock runs from the enqueue until every delivery is DELIVERED in
PostgreSQL. The receiver is the shipped helper (``python -m notifications.receiver``, its own
process), which verifies each HMAC signature and fsyncs each accepted event to its log before
answering (requests that arrive together share an fsync).

Limits measured in the same run, beside the figure:
* the bare POST loop: the same signed events POSTed by the same sender (same threads, same
  kept-alive pool) to the same receiver, no database: what the receiver and HTTP allow;
* a bare commit with fsync (an INSERT and COMMIT on a one-column table), the price of each of
  the two commits (claim, settle) per batch.
A second figure is one process running the drain in a loop (no broker).

    scripts/bench outbox [--events 3000] [--subjects 300] [--concurrency 2] [--target 500]

Exits 1 when the Celery figure is under ``--target`` events/s.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SECRET = "bench-webhook-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listening on {port}")


def payload(i: int, subjects: int) -> dict:
    return {"type": "entry.published", "subject": {"identifier": f"BENCH{i % subjects:08d}"},
            "entry": {"id": i, "state": "ACTIVE", "facts": "基准测试" * 20}}


def write_events(n: int, subjects: int, tag: str) -> list[int]:
    from django.db import transaction
    from django.utils import timezone

    from notifications.models import Delivery, OutboxEvent

    now = timezone.now()
    url = os.environ["PLATFORM_WEBHOOK_URL"]
    with transaction.atomic():
        events = OutboxEvent.objects.bulk_create([
            OutboxEvent(event_id=uuid.uuid4(), kind="entry.published", subject_key=f"BENCH{tag}{i % subjects:08d}",
                        source=f"bench:{tag}:{i}", object_type="bench", object_id=str(i), payload=payload(i, subjects))
            for i in range(n)])
        deliveries = Delivery.objects.bulk_create([
            Delivery(event=e, channel="PLATFORM", subject_key=e.subject_key, address=url, next_attempt_at=now)
            for e in events])
    return [d.pk for d in deliveries]


def pending(ids) -> int:
    from notifications.models import Delivery

    return Delivery.objects.filter(pk__in=ids).exclude(state="DELIVERED").count()


def post_loop(n: int, subjects: int) -> float:
    """The limit: n signed events POSTed by the delivery code's own sender (threads and pool), no
    database. Returns events per second."""
    from notifications.models import Delivery, OutboxEvent
    from notifications.services.delivery import DELIVERED, send_many

    url = os.environ["PLATFORM_WEBHOOK_URL"]
    rows = [Delivery(pk=i + 1, channel="PLATFORM", address=url, subject_key=f"POST{i % subjects}", attempts=1,
                     event=OutboxEvent(pk=i + 1, event_id=uuid.uuid4(), kind="entry.published",
                                       subject_key=f"POST{i % subjects}", payload=payload(i, subjects)))
            for i in range(n)]
    send_many(rows[:16])  # warm the threads and connections
    start = time.perf_counter()
    for k in range(16, n, 100):
        outcomes = send_many(rows[k:k + 100])
        assert all(o.result == DELIVERED for o in outcomes), outcomes
    return (n - 16) / (time.perf_counter() - start)


def commit_ms(n: int = 200) -> float:
    """The other limit: one INSERT + COMMIT (WAL flush, fsync) on this PostgreSQL."""
    from django.db import connection, transaction

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_commit (n int)")
    start = time.perf_counter()
    for i in range(n):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("INSERT INTO bench_commit VALUES (%s)", [i])
    return (time.perf_counter() - start) / n * 1000


def wait_for_worker(app, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if app.control.ping(timeout=0.5):
            return
    raise SystemExit("the Celery worker did not answer")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--subjects", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--inline", type=int, default=1000, help="events for the in-process drain")
    parser.add_argument("--limit-events", type=int, default=1000, help="events for the bare POST loop")
    parser.add_argument("--target", type=float, default=500, help="events/s through Celery; exit 1 below it")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="outbox-bench-"))
    port = free_port()
    os.environ.update({"PLATFORM_WEBHOOK_URL": f"http://127.0.0.1:{port}/events", "PLATFORM_WEBHOOK_SECRET": SECRET,
                       "NOTIFICATIONS_SWEEP_GRACE_SECONDS": "3600"})
    receiver = subprocess.Popen([sys.executable, "-m", "notifications.receiver", "--port", str(port), "--secret",
                                 SECRET, "--log", str(work / "received.jsonl")], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port)

    import django

    django.setup()
    from django.conf import settings

    from config.celery import app
    from notifications.services.delivery import deliver_platform_due
    from notifications.services.outbox import enqueue_platform

    results = {"batch": settings.NOTIFICATIONS_PLATFORM_BATCH, "senders": settings.NOTIFICATIONS_PLATFORM_SENDERS,
               "drainers": settings.NOTIFICATIONS_PLATFORM_DRAINERS, "load_before": os.getloadavg()[0]}
    # 0. the limits
    results["limit_post_loop_events_per_second"] = round(post_loop(args.limit_events, args.subjects), 1)
    results["limit_commit_ms"] = round(commit_ms(), 2)

    # 1. one process, no broker: claim a batch → send it → settle it, in a loop
    ids = write_events(args.inline, args.subjects, "inline")
    start = time.perf_counter()
    deliver_platform_due()
    elapsed = time.perf_counter() - start
    assert pending(ids) == 0
    results["inline_events_per_second"] = round(len(ids) / elapsed, 1)

    # 2. real workers through Redis
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "notifications", "--concurrency",
         str(args.concurrency), "--without-gossip", "--without-mingle", "--loglevel=WARNING", "-n", "bench@%h"],
        cwd=ROOT, env=os.environ.copy(), stdout=open(work / "worker.log", "wb"), stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        wait_for_worker(app)  # worker start-up is not part of the figure
        ids = write_events(args.events, args.subjects, "celery")
        load = os.getloadavg()[0]
        start = time.perf_counter()
        enqueue_platform(len(ids))
        enqueued = time.perf_counter() - start
        while pending(ids):
            if time.perf_counter() - start > 600:
                raise SystemExit("timed out")
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
        receiver.send_signal(signal.SIGINT)
        receiver.wait(10)
    received = [json.loads(line)["event_id"] for line in open(work / "received.jsonl", encoding="utf-8")]
    rate = args.events / elapsed
    results.update({
        "events": args.events, "subjects": args.subjects, "worker_concurrency": args.concurrency,
        "enqueue_seconds": round(enqueued, 3), "seconds": round(elapsed, 2),
        "celery_events_per_second": round(rate, 1),
        "ratio_to_post_loop": round(rate / results["limit_post_loop_events_per_second"], 3),
        "received_total": len(received), "received_distinct": len(set(received)),
        "cpus": os.cpu_count(), "load_at_start": round(load, 2), "target": args.target,
    })
    print(json.dumps(results, indent=2))
    expected = args.events + args.inline + args.limit_events
    assert len(received) == len(set(received)) == expected, "the receiver must have every event exactly once"
    if rate < args.target:
        print(f"outbox: {rate:.0f} events/s is under the target of {args.target:.0f}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
