"""/healthz and /readyz against the real PostgreSQL and Redis of the test run (issue 9).

Stopping PostgreSQL or Redis for real is done by the stack test (test_stack.py); here the beat
heartbeat and the queue bounds are driven through Redis itself.
"""

import json
import time

import pytest
from django.conf import settings
from django.test import Client

from config.ops.redis import broker_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_db():
    client = broker_client()
    client.delete(settings.OPS_HEARTBEAT_KEY, *settings.OPS_QUEUES)
    yield client
    client.delete(settings.OPS_HEARTBEAT_KEY, *settings.OPS_QUEUES)


def test_healthz_answers_without_touching_dependencies():
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_readyz_is_200_with_every_check_named_when_all_pass(redis_db):
    redis_db.set(settings.OPS_HEARTBEAT_KEY, f"{time.time():.3f}")
    response = Client().get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "beat", "queues", "calendar"}
    assert body["checks"]["queues"]["depths"] == {q: 0 for q in settings.OPS_QUEUES}


def test_readyz_is_503_without_a_beat_heartbeat(redis_db):
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["beat"] == {"ok": False, "error": "no heartbeat yet", "ms": pytest.approx(0, abs=500)}


def test_readyz_is_503_when_the_heartbeat_is_stale(redis_db):
    redis_db.set(settings.OPS_HEARTBEAT_KEY, f"{time.time() - settings.OPS_HEARTBEAT_MAX_AGE - 5:.3f}")
    body = Client().get("/readyz").json()
    assert body["status"] == "unavailable" and body["checks"]["beat"]["ok"] is False
    assert body["checks"]["beat"]["age_seconds"] > settings.OPS_HEARTBEAT_MAX_AGE


def test_readyz_is_503_when_a_queue_is_over_its_bound(redis_db, settings):
    settings.OPS_QUEUE_MAX_DEPTH = {**settings.OPS_QUEUE_MAX_DEPTH, "letters": 2}
    redis_db.set(settings.OPS_HEARTBEAT_KEY, f"{time.time():.3f}")
    redis_db.rpush("letters", *[json.dumps({"n": i}) for i in range(3)])
    response = Client().get("/readyz")
    assert response.status_code == 503
    queues = response.json()["checks"]["queues"]
    assert queues["over_limit"] == ["letters"] and queues["depths"]["letters"] == 3


def test_the_heartbeat_task_stamps_the_key_readyz_reads(redis_db):
    from config.celery import heartbeat

    heartbeat.apply()
    assert Client().get("/readyz").status_code == 200


def test_beat_sends_its_first_heartbeat_as_it_starts(redis_db):
    """A fresh or restarted system is ready once the deadlines worker takes beat's first heartbeat,
    not a heartbeat period later (the embedded default's and the stack's /readyz)."""
    from celery import signals

    assert Client().get("/readyz").status_code == 503
    signals.beat_init.send(sender=None)  # tasks run eagerly here: the worker's part is done at once
    assert Client().get("/readyz").status_code == 200


def test_beat_starts_when_it_cannot_send_its_first_heartbeat(redis_db, monkeypatch, caplog):
    from celery import signals
    from kombu.exceptions import OperationalError

    from config.celery import heartbeat

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(heartbeat, "apply_async", refuse)
    signals.beat_init.send(sender=None)  # no exception reaches beat
    assert "beat could not send its first heartbeat" in caplog.text


def test_kombu_looks_for_a_dead_workers_messages_as_often_as_configured():
    """A message a killed worker held comes back after the visibility timeout, found by kombu's scan
    (every 10 s × 10 by default; the loopback stack scans every 5 s: scripts/stack)."""
    from config.celery import app

    with app.connection_for_write() as connection:
        channel = connection.default_channel
        assert channel.visibility_timeout == settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        assert (channel.unacked_restore_interval, channel.unacked_restore_throttle) == (10, 10)


def test_beat_schedules_the_heartbeat_on_the_deadlines_queue():
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["ops-heartbeat"]
    assert entry["task"] == "ops.heartbeat"
    route = app.amqp.router.route({}, "ops.heartbeat")
    assert route["queue"].name == "deadlines"


@pytest.mark.parametrize("task,queue", [
    ("workflow.sweep_deadlines", "deadlines"), ("entries.expire", "deadlines"), ("audit.anchor", "deadlines"),
    ("letters.produce", "letters"), ("notifications.deliver", "notifications"),
    ("notifications.deliver_platform", "notifications"), ("imports.run", "imports"),
    ("something.else", "default"),
])
def test_tasks_are_routed_to_their_queue_by_name(task, queue):
    from config.celery import app

    assert app.amqp.router.route({}, task)["queue"].name == queue
