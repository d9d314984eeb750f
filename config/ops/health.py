"""``/healthz`` (the process answers) and ``/readyz`` (it can do its work).

``/readyz`` checks PostgreSQL, Redis, the beat heartbeat (a beat-scheduled task on the deadlines
queue writes ``OPS_HEARTBEAT_KEY``; a stale key means beat or the deadlines worker is down) and
each Celery queue's depth against its bound. 200 when all pass, 503 otherwise; the JSON body names
each check. Both are cheap (one ``SELECT 1``, one Redis round trip) and never cached.

Whenever the database answers, ``waiting`` names the work that should have started by now
(``OPS_WAITING_AFTER_SECONDS``): letters still PENDING, and those whose enqueue failed; outbox
deliveries due but not delivered. Any of it is a ``work_waiting`` warning, never a failure: taking
a web process out of the balancer does not make a worker or Redis come back (two partial-index
counts).
"""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from deadlines.status import calendar_warnings
from letters.selectors import letters_waiting
from notifications.selectors import deliveries_waiting

from .redis import broker_client, queue_depths


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def _timed(check):
    started = time.perf_counter()
    try:
        result = check()
    except Exception as exc:  # a dependency being down is the answer, not an error of ours
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def check_database() -> dict:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # Drop the broken connection now so the next probe reconnects once PostgreSQL is back.
        connection.close()
        raise
    return {"ok": True}


def check_redis() -> dict:
    broker_client().ping()
    return {"ok": True}


def check_beat() -> dict:
    raw = broker_client().get(settings.OPS_HEARTBEAT_KEY)
    if raw is None:
        return {"ok": False, "error": "no heartbeat yet"}
    age = time.time() - float(raw)
    return {"ok": age <= settings.OPS_HEARTBEAT_MAX_AGE, "age_seconds": round(age, 1),
            "max_age_seconds": settings.OPS_HEARTBEAT_MAX_AGE}


def check_queues() -> dict:
    depths = queue_depths()
    limits = settings.OPS_QUEUE_MAX_DEPTH
    over = {q: d for q, d in depths.items() if d > limits.get(q, limits.get("*", 10_000))}
    result = {"ok": not over, "depths": depths}
    if over:
        result["over_limit"] = sorted(over)
    return result


def waiting_work() -> dict:
    now = timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.OPS_WAITING_AFTER_SECONDS)
    letters = letters_waiting(numbered_before=cutoff)
    deliveries = deliveries_waiting(due_before=cutoff)

    def age(oldest):
        return round((now - oldest).total_seconds()) if oldest else None

    return {
        "after_seconds": settings.OPS_WAITING_AFTER_SECONDS,
        "letters": {"count": letters["count"], "not_enqueued": letters["not_enqueued"],
                    "oldest_seconds": age(letters["oldest"])},
        "deliveries": {"count": deliveries["count"], "oldest_seconds": age(deliveries["oldest"])},
    }


def _waiting_warning(waiting: dict) -> dict | None:
    letters, deliveries = waiting["letters"]["count"], waiting["deliveries"]["count"]
    if not (letters or deliveries):
        return None
    return {"code": "work_waiting", "letters": letters, "deliveries": deliveries,
            "message": _("Work is waiting: %(letters)d letters not yet produced and %(deliveries)d "
                         "notifications not yet delivered for more than %(seconds)d seconds.")
            % {"letters": letters, "deliveries": deliveries, "seconds": waiting["after_seconds"]}}


@never_cache
@require_GET
def readyz(request):
    checks = {"database": _timed(check_database), "redis": _timed(check_redis)}
    if checks["redis"]["ok"]:
        checks["beat"] = _timed(check_beat)
        checks["queues"] = _timed(check_queues)
    else:
        checks["beat"] = checks["queues"] = {"ok": False, "error": "redis unavailable"}
    ok = all(c["ok"] for c in checks.values())
    body = {"status": "ok" if ok else "unavailable", "checks": checks}
    if ok:
        # A warning, not a failure: deadlines still compute (provisionally) without the schedule.
        try:
            warnings = [{"code": "calendar_provisional", "year": w.year, "message": w.message}
                        for w in calendar_warnings()]
        except Exception as exc:  # noqa: BLE001  the check itself must not fail the probe
            warnings = [{"code": "calendar_check_failed", "message": str(exc)}]
        checks["calendar"] = {"ok": True, "provisional_years": [w["year"] for w in warnings if "year" in w]}
        if warnings:
            body["warnings"] = warnings
    if checks["database"]["ok"]:
        # Also (above all) while Redis is down: what will be picked up once it is back.
        try:
            body["waiting"] = waiting_work()
            if warning := _waiting_warning(body["waiting"]):
                body.setdefault("warnings", []).append(warning)
        except Exception as exc:  # noqa: BLE001  the count itself must not fail the probe
            body.setdefault("warnings", []).append({"code": "waiting_check_failed", "message": str(exc)[:300]})
    return JsonResponse(body, status=200 if ok else 503)
