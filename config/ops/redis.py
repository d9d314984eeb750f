"""One short-timeout Redis client per process for health checks, the heartbeat and queue depths."""

from __future__ import annotations

import functools

import redis as redis_lib
from django.conf import settings


@functools.lru_cache(maxsize=1)
def _client(url: str):
    return redis_lib.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0, health_check_interval=10)


def broker_client():
    if not settings.REDIS_URL:
        raise RuntimeError("REDIS_URL is not set")
    return _client(settings.REDIS_URL)


def queue_depths() -> dict[str, int]:
    """Messages waiting per Celery queue (kombu keeps a Redis list named after each queue)."""
    client = broker_client()
    pipe = client.pipeline(transaction=False)
    for queue in settings.OPS_QUEUES:
        pipe.llen(queue)
    return dict(zip(settings.OPS_QUEUES, (int(n) for n in pipe.execute())))
