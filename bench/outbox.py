"""Outbox delivery throughput: platform events delivered per second to a loopback receiver.

N outbox events (each with its platform delivery) are written across S subjects, then handed to
real Celery workers (prefork, queue "notifications") through Redis; the clock runs from the
enqueue until every delivery is DELIVERED in PostgreSQL. The receiver is the shipped helper
(``python -m notifications.receiver``, its own process), which verifies each HMAC signature and
fsyncs each accepted event to its log before answering. A second figure is one process calling
the delivery service in a loop (no broker), the per-delivery floor.

    scripts/bench outbox [--events 3000] [--subjects 300] [--concurrency 4]
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


def write_events(n: int, subjects: int, tag: str) -> list[int]:
    from django.db import transaction
    from django.utils import timezone

    from notifications.models import Delivery, OutboxEvent

    now = timezone.now()
    url = os.environ["PLATFORM_WEBHOOK_URL"]
    ids = []
    with transaction.atomic():
        events = OutboxEvent.objects.bulk_create([
            OutboxEvent(event_id=uuid.uuid4(), kind="entry.published", subject_key=f"BENCH{tag}{i % subjects:08d}",
                        source=f"bench:{tag}:{i}", object_type="bench", object_id=str(i),
                        payload={"type": "entry.published", "subject": {"identifier": f"BENCH{i % subjects:08d}"},
                                 "entry": {"id": i, "state": "ACTIVE", "facts": "基准测试" * 20}})
            for i in range(n)])
        deliveries = Delivery.objects.bulk_create([
            Delivery(event=e, channel="PLATFORM", subject_key=e.subject_key, address=url, next_attempt_at=now)
            for e in events])
        ids = [d.pk for d in deliveries]
    return ids


def pending(ids) -> int:
    from notifications.models import Delivery

    return Delivery.objects.filter(pk__in=ids).exclude(state="DELIVERED").count()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--subjects", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--inline", type=int, default=500, help="events for the in-process loop")
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
    from notifications.services.delivery import deliver
    from notifications.services.outbox import enqueue

    results = {}
    # 1. one process, no broker: claim → sign → POST → record, in a loop
    ids = write_events(args.inline, args.subjects, "inline")
    start = time.perf_counter()
    for pk in ids:
        deliver(pk)
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
        time.sleep(6)  # worker start-up is not part of the figure
        ids = write_events(args.events, args.subjects, "celery")
        start = time.perf_counter()
        enqueue(ids)
        enqueued = time.perf_counter() - start
        while pending(ids):
            if time.perf_counter() - start > 600:
                raise SystemExit("timed out")
            time.sleep(0.2)
        elapsed = time.perf_counter() - start
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
        receiver.send_signal(signal.SIGINT)
        receiver.wait(10)
    received = sum(1 for _ in open(work / "received.jsonl", encoding="utf-8"))
    results.update({
        "events": args.events, "subjects": args.subjects, "worker_concurrency": args.concurrency,
        "enqueue_seconds": round(enqueued, 2), "seconds": round(elapsed, 2),
        "celery_events_per_second": round(args.events / elapsed, 1),
        "received_total": received, "cpus": os.cpu_count(),
    })
    assert received == args.events + args.inline, "the receiver must have every event exactly once"
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
