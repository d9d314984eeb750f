"""Celery application. Tasks are thin wrappers over services (see style.md).

Besides the app this module wires the operational signals (issue 9):
- the request id and case id of the publisher travel in each task's headers and are bound in the
  worker while the task runs, so log lines on both sides share them (``config.ops.context``);
- the publish time travels too, for the per-queue wait histogram; run time and outcome per queue
  and task go to Prometheus (``config.ops.metrics``);
- ``ops.heartbeat``, scheduled by beat on the deadlines queue, stamps a Redis key that ``/readyz``
  reads: if beat or the deadlines worker stops, readiness fails within ``OPS_HEARTBEAT_MAX_AGE``.
"""

import logging
import os
import time

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.embedded")


# --- broker outages (issue 17, item 2) ---
def _refuse_a_detached_redis_channel() -> None:
    """kombu 5.7: when Redis goes away while a worker holds an unacknowledged message (always, with
    acks_late, while a task runs), Celery's consumer closes the broken connection twice. The first
    close stops at the dead BRPOP socket, detaches the transport, and the second one then tries to
    put the message back through a pool it rebuilds from the detached transport: AttributeError
    ('NoneType' … 'hostname'), "Unrecoverable error", and the worker exits instead of reconnecting.
    Here a detached channel raises the connection error a live but unreachable Redis would have
    raised, which kombu and Celery already ignore while closing; the message stays in Redis's
    unacked set and comes back after the visibility timeout (tests/deploy/test_redis_down_in_the_stack.py)."""
    from kombu.transport import redis as kombu_redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    original = kombu_redis.Channel._connparams
    if getattr(original, "_credit_guarded", False):
        return

    def _connparams(self, asynchronous=False):
        if self.connection.client is None:
            raise RedisConnectionError("broker connection already closed")
        return original(self, asynchronous=asynchronous)

    _connparams._credit_guarded = True
    kombu_redis.Channel._connparams = _connparams


_refuse_a_detached_redis_channel()
# --- end broker outages ---

app = Celery("credit_cases")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_HEADER_REQUEST, _HEADER_CASE, _HEADER_SENT = "x_request_id", "x_case_id", "x_published_at"


@app.task(name="ops.heartbeat", ignore_result=True)
def heartbeat():
    from django.conf import settings

    from config.ops.redis import broker_client

    broker_client().set(settings.OPS_HEARTBEAT_KEY, f"{time.time():.3f}", ex=settings.OPS_HEARTBEAT_MAX_AGE * 10)


@signals.beat_init.connect
def _first_heartbeat(sender=None, **kwargs):
    """Beat's first heartbeat goes out as it starts, not one period later: a fresh or restarted
    system is ready (``/readyz``) as soon as the deadlines worker has taken it, instead of failing
    its beat check for ``OPS_HEARTBEAT_SECONDS``. With Redis away beat starts anyway, and the
    schedule's own heartbeat follows."""
    from django.conf import settings

    try:
        heartbeat.apply_async(expires=settings.OPS_HEARTBEAT_SECONDS * 2)
    except Exception:  # noqa: BLE001  the broker is down: readiness waits for the schedule
        logging.getLogger("credit.ops").warning("beat could not send its first heartbeat", exc_info=True)


@signals.before_task_publish.connect
def _stamp_headers(headers=None, **kwargs):
    from config.ops.context import case_id_var, request_id_var

    if headers is None:
        return
    headers.setdefault(_HEADER_REQUEST, request_id_var.get())
    headers.setdefault(_HEADER_CASE, case_id_var.get())
    headers.setdefault(_HEADER_SENT, time.time())


def _queue_of(task) -> str:
    info = getattr(task.request, "delivery_info", None) or {}
    return info.get("routing_key") or info.get("exchange") or "eager"


@signals.task_prerun.connect
def _bind_task_context(task_id=None, task=None, **kwargs):
    from config.ops import context
    from config.ops.metrics import TASK_WAIT

    request = task.request
    if request.is_eager:
        return  # in-process: the caller's request and case ids stay bound
    request_id = getattr(request, _HEADER_REQUEST, None) or ""
    case_id = getattr(request, _HEADER_CASE, None) or ""
    task._ops_tokens = context.bind(request_id=request_id or f"task-{task_id}", case_id=case_id)
    task._ops_started = time.perf_counter()
    sent = getattr(request, _HEADER_SENT, None)
    if sent:
        TASK_WAIT.labels(queue=_queue_of(task)).observe(max(0.0, time.time() - float(sent)))


@signals.task_postrun.connect
def _record_task(task_id=None, task=None, state=None, **kwargs):
    from config.ops import context
    from config.ops.metrics import TASK_RUNTIME, TASKS

    started = getattr(task, "_ops_started", None)
    queue = _queue_of(task)
    if started is not None:
        TASK_RUNTIME.labels(queue=queue, task=task.name).observe(time.perf_counter() - started)
    TASKS.labels(queue=queue, task=task.name, outcome=(state or "UNKNOWN").lower()).inc()
    tokens = getattr(task, "_ops_tokens", None)
    if tokens:
        context.reset(tokens)
        task._ops_tokens = None


@signals.worker_process_shutdown.connect
def _mark_process_dead(pid=None, **kwargs):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())
