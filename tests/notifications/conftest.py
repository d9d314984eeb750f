"""Fixtures of the notifications tests: a real HTTP receiver on loopback (the shipped helper, with
a script of how to misbehave), a Redis started per test on a free port, and a real Celery worker
(with beat, i.e. the sweeper) pointed at the test database."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from notifications.receiver import RecordingReceiver

ROOT = Path(__file__).resolve().parents[2]
SECRET = "test-webhook-secret-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float = 30, interval: float = 0.1, what: str = "condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Receiver:
    """The platform stand-in: ``script`` maps an event type to a list of actions taken on the
    successive requests for it ("fail" → 500, a number → sleep that long, None → acknowledge)."""

    def __init__(self, tmp_path):
        self.log_path = str(tmp_path / "received.jsonl")
        self.script: dict[str, list] = {}
        self.requests: list[dict] = []  # every verified request, in arrival order
        self.started = threading.Event()
        self.server = RecordingReceiver(("127.0.0.1", 0), secrets=[SECRET], log_path=self.log_path,
                                        behave=self._behave)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/events"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _behave(self, event):
        self.requests.append(event)
        self.started.set()
        actions = self.script.get(event["type"]) or self.script.get(event["event_id"])
        return actions.pop(0) if actions else None

    def recorded(self) -> list[dict]:
        if not os.path.exists(self.log_path):
            return []
        with open(self.log_path, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(tmp_path, settings):
    r = Receiver(tmp_path)
    settings.PLATFORM_WEBHOOK_URL = r.url
    settings.PLATFORM_WEBHOOK_SECRET = SECRET
    yield r
    r.close()


class RedisServer:
    def __init__(self, tmp_path):
        self.port = free_port()
        self.dir = tmp_path / "redis"
        self.dir.mkdir(exist_ok=True)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: _can_connect(self.port), 10, what="redis")

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


def _can_connect(port) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def broker(redis_server):
    """Point this process's Celery app at the test's Redis and stop running tasks eagerly. The
    suite's connection and producer pools are set aside and put back untouched, never closed: kombu
    caches a producer pool per broker address, and a closed one would fail every later task the
    suite sends ("Acquire on closed pool"); the test's own pools are closed after it."""
    from config.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool)
    app._pool, app.amqp._producer_pool = None, None
    app.conf.broker_url = redis_server.url
    app.conf.task_always_eager = False
    yield redis_server
    if app._pool is not None:
        app._pool.force_close_all()
    app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool = saved


class Workers:
    def __init__(self, tmp_path, redis, receiver):
        redis_url = redis.url
        self.redis = redis
        from django.conf import settings

        db = settings.DATABASES["default"]
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "PLATFORM_WEBHOOK_URL": receiver.url,
            "PLATFORM_WEBHOOK_SECRET": SECRET,
            "PLATFORM_WEBHOOK_TIMEOUT": "20",
            "NOTIFICATIONS_LEASE_SECONDS": "6",
            "NOTIFICATIONS_SWEEP_SECONDS": "1",
            "NOTIFICATIONS_SWEEP_GRACE_SECONDS": "1",
            "NOTIFICATIONS_RETRY_BASE_SECONDS": "0.5",
        }
        self.tmp = tmp_path
        self.procs: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        n = len(self.procs)
        log = open(self.tmp / f"worker{n}.log", "wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-B", "-Q", "notifications", "--pool=solo", "--without-gossip",
             "--without-mingle", "--loglevel=INFO", "-n", f"outbox-test-{n}-{os.getpid()}@%h",
             "-s", str(self.tmp / f"beat{n}")],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        return proc

    def kill(self, proc):
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def log(self, n=0) -> str:
        return (self.tmp / f"worker{n}.log").read_text(errors="replace")

    def stop_all(self):
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(5)


@pytest.fixture
def workers(transactional_db, tmp_path, broker, receiver):
    w = Workers(tmp_path, broker, receiver)
    yield w
    w.stop_all()


# --- a listing to push ------------------------------------------------------------------------

def draft_to_statement(province, *, subject=None, decision_date=dt.date(2026, 3, 2)):
    from cases.services import entries as svc

    entry = svc.entry_draft(actor=province["officer"], list_type=province["blacklist"],
                            subject=subject or province["subject"], facts="拖欠税款逾期未缴",
                            reasons="符合税收违法黑名单认定标准")
    svc.entry_send_notice(actor=province["officer"], entry=entry, on=decision_date - dt.timedelta(days=14))
    svc.entry_receive_statement(actor=province["officer"], entry=entry, statement="已补缴部分税款，请求从轻")
    return entry


def decide(province, entry, decision_date=dt.date(2026, 3, 2)):
    from cases.services import entries as svc

    return svc.entry_decide(actor=province["leader"], entry=entry, decision_date=decision_date, dating_reason="纸质决定书补录")
