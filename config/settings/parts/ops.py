"""Settings owned by the ops area (issue 9); star-imported at the end of base.py."""

import environ

_env = environ.Env()

# Celery queues the system uses (CELERY_TASK_ROUTES in base.py); /readyz and /metrics watch their depth.
OPS_QUEUES = ["deadlines", "letters", "notifications", "imports", "default"]
# /readyz fails when a queue holds more than this many waiting messages ("*": any queue not named).
OPS_QUEUE_MAX_DEPTH = {
    "deadlines": _env.int("OPS_QUEUE_MAX_DEADLINES", default=1000),
    "letters": _env.int("OPS_QUEUE_MAX_LETTERS", default=5000),
    "notifications": _env.int("OPS_QUEUE_MAX_NOTIFICATIONS", default=5000),
    "imports": _env.int("OPS_QUEUE_MAX_IMPORTS", default=100),
    "*": 10_000,
}
# Beat schedules ops.heartbeat on the deadlines queue; /readyz wants a stamp younger than the max age.
OPS_HEARTBEAT_SECONDS = _env.int("OPS_HEARTBEAT_SECONDS", default=30)
OPS_HEARTBEAT_MAX_AGE = _env.int("OPS_HEARTBEAT_MAX_AGE", default=OPS_HEARTBEAT_SECONDS * 3 + 30)
OPS_HEARTBEAT_KEY = "ops:beat:heartbeat"
OPS_BEAT_SCHEDULE = {
    "ops-heartbeat": {"task": "ops.heartbeat", "schedule": OPS_HEARTBEAT_SECONDS,
                      "options": {"expires": OPS_HEARTBEAT_SECONDS * 2}},
}
# /metrics: a bearer token, or (without one) direct requests from these networks only.
OPS_METRICS_TOKEN = _env.str("OPS_METRICS_TOKEN", default="")
OPS_METRICS_ALLOW = _env.list("OPS_METRICS_ALLOW", default=["127.0.0.1/32", "::1/128"])
OPS_METRICS_CACHE_SECONDS = _env.int("OPS_METRICS_CACHE_SECONDS", default=15)
# After a cache call on Redis failed, the throttles count per process and the calendar does without
# its shared token; Redis is tried again this much later (config/shared_cache.py).
SHARED_CACHE_RETRY_SECONDS = _env.float("SHARED_CACHE_RETRY_SECONDS", default=5.0)
# /readyz names work waiting longer than this: letters still PENDING, outbox deliveries due but unsent.
OPS_WAITING_AFTER_SECONDS = _env.int("OPS_WAITING_AFTER_SECONDS", default=60)
