"""With Redis stopped the public portal keeps answering, and the work queued meanwhile is picked up
once Redis is back (issue 17, item 2).

A real redis-server on a free port serves as this process's cache and Celery broker; it is stopped
(connections refused) and started again, so both the outage and the return are real. Tasks are
published, not run eagerly: what a worker would take is read from the Redis queue itself.
"""

from __future__ import annotations

import base64
import json
import logging
import socket
import subprocess
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client
from rest_framework.test import APIClient

from config.celery import app
from config.ops.redis import broker_client
from config import shared_cache
from letters.models import Letter
from letters.services import letter_enqueue_production
from letters.tasks import letters_sweep_pending_task
from notifications.models import Delivery
from notifications.tasks import sweep as notifications_sweep
from tests.workflow.test_listing_through_the_api import list_through_api
from tests.workflow.test_objections import accept_via_queue, file_on_portal

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# What a visitor may wait for an answer while Redis is down (the brief: no request hangs).
# "Does not hang": an answer within a few seconds on a loaded 2-core CI machine, where a hang is
# forever (a timed test, not a benchmark: the bound only separates the two).
QUICK = 6.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class RedisServer:
    def __init__(self, tmp_path):
        self.port = _free_port()
        self.dir = tmp_path / "redis"
        self.dir.mkdir(exist_ok=True)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not _answers(self.port):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


def _swap_broker_pools(pools=(None, None)):
    """Install (connection pool, producer pool) on the Celery app and return the ones it had. The
    test's own pools (to its own Redis) are made fresh and closed after; the suite's are put back
    untouched, never closed: kombu keeps handing out a producer pool it has cached for them."""
    saved = (app._pool, app.amqp._producer_pool)
    app._pool, app.amqp._producer_pool = pools
    return saved


def _close_broker_pools():
    if app._pool is not None:
        app._pool.force_close_all()


def _reset_cache_outage():
    shared_cache.reset()
    caches["local"].clear()  # per process: counts of an earlier test would still be there


@pytest.fixture
def redis(tmp_path, settings):
    """This process's cache, broker and /readyz pointed at a Redis of the test's own."""
    server = RedisServer(tmp_path)
    server.start()
    settings.REDIS_URL = server.url
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": server.url,
                    "OPTIONS": django_settings.CACHES["default"].get("OPTIONS", {})},
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "redis-down-test"},
    }
    settings.SHARED_CACHE_RETRY_SECONDS = 0  # try Redis on every request: the return is seen at once
    settings.OPS_WAITING_AFTER_SECONDS = 0
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    suite_pools = _swap_broker_pools()
    app.conf.broker_url, app.conf.task_always_eager = server.url, False
    _reset_cache_outage()
    try:
        yield server
    finally:
        server.stop()
        _close_broker_pools()
        _swap_broker_pools(suite_pools)
        app.conf.broker_url, app.conf.task_always_eager = saved
        _reset_cache_outage()


@pytest.fixture
def active(province, as_user):
    from cases.models import ListEntry

    return ListEntry.objects.get(pk=list_through_api(province, as_user)["id"])


@pytest.fixture
def throttle_log(caplog):
    caplog.set_level(logging.INFO, logger="config.shared_cache")
    return lambda: [r for r in caplog.records if r.name == "config.shared_cache"]


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def _queued(queue: str) -> list[tuple[str, list]]:
    """The (task name, args) of the messages waiting in a Celery queue (kombu's Redis list)."""
    found = []
    for raw in broker_client().lrange(queue, 0, -1):
        message = json.loads(raw)
        args = json.loads(base64.b64decode(message["body"]))[0]
        found.append((message["headers"]["task"], args))
    return found


def test_requests_publish_with_short_broker_timeouts():
    options = app.conf.broker_transport_options
    assert options["socket_connect_timeout"] <= 1 and options["socket_timeout"] <= 1
    assert app.conf.task_publish_retry_policy["max_retries"] == 1


def test_with_redis_stopped_the_public_portal_files_follows_checks_and_searches(
    province, active, redis, throttle_log, django_capture_on_commit_callbacks,
):
    redis.stop()
    subject = active.subject.identifier

    def file():
        with django_capture_on_commit_callbacks(execute=True):  # the enqueues at commit are timed too
            return file_on_portal(province, active)

    filed, took = _timed(file)
    assert filed.status_code == 201, filed.content
    assert took < QUICK
    number, code = filed.json()["number"], filed.json()["query_code"]

    visitor = APIClient()
    answers = {
        "follow": _timed(lambda: visitor.get(f"/api/v1/public/objections/{number}/", {"code": code})),
        "search": _timed(lambda: visitor.get("/api/v1/public/entries/", {"q": subject})),
        "repair check": _timed(lambda: visitor.get("/api/v1/public/repairs/eligibility/",
                                                   {"subject": subject, "entry": active.pk})),
        "search page": _timed(lambda: Client().get("/public/", {"q": subject})),
        "repair check page": _timed(lambda: Client().get("/portal/repair-check/", {"subject": subject})),
    }
    assert {name: r.status_code for name, (r, _t) in answers.items()} == {name: 200 for name in answers}
    assert all(t < QUICK for _r, t in answers.values()), {name: t for name, (_r, t) in answers.items()}
    assert answers["follow"][0].json()["state"] == "SUBMITTED"
    assert subject in json.dumps(answers["search"][0].json(), ensure_ascii=False)

    down = [r.getMessage() for r in throttle_log() if r.levelno == logging.WARNING]
    assert len(down) == 1, "one warning for the outage, not one per request"
    assert "shared cache 'default' unavailable" in down[0]


def test_the_throttle_still_limits_while_redis_is_down_and_counts_in_redis_again_after(
    db, redis, settings, throttle_log,
):
    settings.PUBLIC_DISCLOSURE_RATE = "3/minute"
    visitor = APIClient()

    def search():
        return visitor.get("/api/v1/public/entries/", {"q": "张三"}).status_code

    redis.stop()
    assert [search() for _ in range(4)] == [200, 200, 200, 429], "the local limit holds"

    redis.start()  # an empty Redis: its count starts again
    assert search() == 200
    assert broker_client().keys("*throttle_public_disclosure*"), "counted in Redis again"
    messages = [r.getMessage() for r in throttle_log()]
    assert any("unavailable" in m for m in messages) and any("answers again" in m for m in messages)


def test_letters_and_notifications_queued_while_redis_was_down_are_enqueued_when_it_returns(
    province, as_user, active, redis, settings, django_capture_on_commit_callbacks,
):
    # A platform to push to, so that the case's changes create outbox deliveries.
    settings.PLATFORM_WEBHOOK_URL = "http://127.0.0.1:9/events"
    settings.PLATFORM_WEBHOOK_SECRET = "test-webhook-secret-0123456789"
    settings.NOTIFICATIONS_SWEEP_GRACE_SECONDS = 0
    # The listing's own letters: PENDING (no commit ran in the fixture), young, enqueued as far as we know.
    earlier = set(Letter.objects.filter(status=Letter.Status.PENDING).values_list("pk", flat=True))
    redis.stop()
    with django_capture_on_commit_callbacks(execute=True):
        number = file_on_portal(province, active).json()["number"]
    with django_capture_on_commit_callbacks(execute=True):
        accept_via_queue(province, as_user, number)  # staff writes commit; the letter is not enqueued

    letters = list(Letter.objects.filter(status=Letter.Status.PENDING).exclude(pk__in=earlier))
    assert letters and all(letter.enqueue_failed_at for letter in letters)
    deliveries = set(Delivery.objects.filter(state=Delivery.State.PENDING).values_list("pk", flat=True))
    assert deliveries

    ready = Client().get("/readyz")
    body = ready.json()
    assert ready.status_code == 503 and body["checks"]["redis"]["ok"] is False
    assert body["waiting"]["letters"] == {"count": len(earlier) + len(letters), "not_enqueued": len(letters),
                                          "oldest_seconds": pytest.approx(0, abs=60)}
    assert body["waiting"]["deliveries"]["count"] == len(deliveries)
    warning = next(w for w in body["warnings"] if w["code"] == "work_waiting")
    assert warning["letters"] == len(earlier) + len(letters) and warning["deliveries"] == len(deliveries)

    # Redis returns (empty, as after a restart without persistence): the next sweeps enqueue it all.
    redis.start()
    assert letters_sweep_pending_task.apply().get() == len(letters)
    assert notifications_sweep.apply().get() == len(deliveries)
    assert sorted(_queued("letters")) == sorted(("letters.produce", [letter.pk]) for letter in letters)
    # Mail and SMS one task per row; the platform's rows as drains of the outbox (batched pushes).
    platform = set(Delivery.objects.filter(pk__in=deliveries, channel="PLATFORM").values_list("pk", flat=True))
    queued = _queued("notifications")
    assert platform and {args[0] for task, args in queued if task == "notifications.deliver"} == deliveries - platform
    assert [task for task, _args in queued if task == "notifications.deliver_platform"] == ["notifications.deliver_platform"]
    assert not Letter.objects.filter(enqueue_failed_at__isnull=False).exists()
    assert letters_sweep_pending_task.apply().get() == 0, "enqueued once, not at every sweep"

    # A letters worker takes them: none is left waiting.
    for task, args in _queued("letters"):
        app.tasks[task].apply(args=args)
    assert not Letter.objects.filter(pk__in=[x.pk for x in letters], status=Letter.Status.PENDING).exists()
    assert Client().get("/readyz").json()["waiting"]["letters"] == {
        "count": len(earlier), "not_enqueued": 0, "oldest_seconds": pytest.approx(0, abs=60)}


def test_a_hung_redis_does_not_hang_public_filing(province, active, redis, settings,
                                                  django_capture_on_commit_callbacks):
    """Redis accepts connections but never answers (failover, a frozen host): every call on it times
    out instead of waiting forever, and the filing still answers."""
    settings.SHARED_CACHE_RETRY_SECONDS = 5
    redis.stop()
    silent = socket.socket()
    silent.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    silent.bind(("127.0.0.1", redis.port))
    silent.listen(64)
    held = []

    def hold():
        try:
            for _ in range(64):
                held.append(silent.accept())
        except OSError:  # the socket is closed when the test ends
            pass

    threading.Thread(target=hold, daemon=True).start()

    def file():
        with django_capture_on_commit_callbacks(execute=True):
            return file_on_portal(province, active)

    try:
        filed, took = _timed(file)
        # A staff decision's letter, published at commit (the public filing publishes nothing).
        handed, publish_took = _timed(lambda: letter_enqueue_production(letter_ids=[active.pk]))
    finally:
        silent.close()
        for conn, _addr in held:
            conn.close()
    assert filed.status_code == 201, filed.content
    assert took < QUICK, took
    assert handed == 0 and publish_took < QUICK, publish_took  # one timeout, one retry


def test_both_sweeps_run_at_least_once_a_minute():
    beat = django_settings.CELERY_BEAT_SCHEDULE
    assert beat["letters-sweep-pending"]["schedule"] <= 60
    assert beat["notifications-sweep"]["schedule"] <= 60
    assert django_settings.NOTIFICATIONS_SWEEP_GRACE_SECONDS <= 30
