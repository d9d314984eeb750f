"""Prometheus metrics at ``/metrics``: requests, Celery tasks per queue, deadlines, queues, outbox.

Counters and histograms are recorded where the work happens (the request middleware, the Celery
signals in ``config.celery``). Under gunicorn and Celery's prefork pool each process writes its own
files in ``PROMETHEUS_MULTIPROC_DIR`` and the scrape merges them (prometheus-client multiprocess
mode); the deploy files point web and workers of one machine at the same directory and wipe it at
start. Gauges that describe the database (deadlines due and overdue, outbox backlog) and the broker
(queue depths) are computed at scrape time by one collector, from partial indexes, and cached for
``OPS_METRICS_CACHE_SECONDS`` so several scrapers cost one query.

Access: ``Authorization: Bearer <OPS_METRICS_TOKEN>`` when a token is set; otherwise only direct
requests from ``OPS_METRICS_ALLOW`` addresses (loopback by default) that did not come through the
proxy. The nginx site also refuses ``/metrics`` from outside its allow-list.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from config.shared_cache import fallback_cache as cache
from deadlines.status import calendar_warnings

logger = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
TASK_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900)

HTTP_REQUESTS = Counter(
    "credit_http_requests", "HTTP requests by view, method and status.", ["view", "method", "status"]
)
HTTP_LATENCY = Histogram(
    "credit_http_request_duration_seconds", "Time to answer an HTTP request, by view.", ["view", "method"],
    buckets=LATENCY_BUCKETS,
)
TASKS = Counter("credit_celery_tasks", "Celery tasks run, by queue, task and outcome.", ["queue", "task", "outcome"])
TASK_RUNTIME = Histogram(
    "credit_celery_task_duration_seconds", "Time a Celery task ran, by queue and task.", ["queue", "task"],
    buckets=TASK_BUCKETS,
)
TASK_WAIT = Histogram(
    "credit_celery_task_wait_seconds", "Time from publishing a task to a worker starting it, by queue.",
    ["queue"], buckets=TASK_BUCKETS,
)


class ScrapeTimeCollector:
    """Gauges read at scrape time: deadlines due today and overdue, queue depths, outbox backlog."""

    def collect(self):
        figures = cache.get(_CACHE_KEY)
        if figures is None:
            figures = _figures()
            cache.set(_CACHE_KEY, figures, settings.OPS_METRICS_CACHE_SECONDS)
        due = GaugeMetricFamily("credit_deadlines_due_today", "Open tasks whose deadline is today.")
        due.add_metric([], figures["due_today"])
        yield due
        overdue = GaugeMetricFamily("credit_deadlines_overdue", "Open tasks past their deadline.", labels=["escalated"])
        overdue.add_metric(["no"], figures["overdue"] - figures["overdue_escalated"])
        overdue.add_metric(["yes"], figures["overdue_escalated"])
        yield overdue
        depth = GaugeMetricFamily("credit_celery_queue_depth", "Messages waiting in a Celery queue.", labels=["queue"])
        for queue, n in figures["queues"].items():
            depth.add_metric([queue], n)
        yield depth
        calendar = GaugeMetricFamily(
            "credit_calendar_provisional_year",
            "1 for a year deadlines reach whose official holiday schedule is not entered yet (deadlines in it "
            "are provisional).", labels=["year"])
        for year in figures.get("provisional_years", []):
            calendar.add_metric([str(year)], 1)
        yield calendar
        if figures["outbox"] is not None:
            outbox = GaugeMetricFamily("credit_outbox_backlog", "Outbox messages not yet delivered.")
            outbox.add_metric([], figures["outbox"])
            yield outbox


_CACHE_KEY = "ops:metrics:scrape-figures"


def _figures() -> dict:
    from django.db.models import Count, Q

    from workflow.models import WorkItem

    today = timezone.localdate()
    # Both counts come from the open-work partial indexes (work_open_by_unit_due / work_escalation_due).
    counts = WorkItem.objects.filter(is_open=True, due__lte=today, paused_at__isnull=True).aggregate(
        due_today=Count("pk", filter=Q(due=today)),
        overdue=Count("pk", filter=Q(due__lt=today)),
        overdue_escalated=Count("pk", filter=Q(due__lt=today, escalated_at__isnull=False)),
    )
    try:
        from .redis import queue_depths

        queues = queue_depths() if settings.REDIS_URL else {}
    except Exception:  # the broker being down shows in /readyz; metrics still answer
        queues = {}
    provisional = [w.year for w in calendar_warnings()]
    return {**counts, "queues": queues, "outbox": _outbox_backlog(), "provisional_years": provisional}


def _outbox_backlog() -> int | None:
    """Undelivered rows of the notifications outbox, when that app has one (issue 8)."""
    from django.apps import apps

    try:
        config = apps.get_app_config("notifications")
    except LookupError:
        return None
    for model in config.get_models():
        if "outbox" not in model.__name__.lower():
            continue
        fields = {f.name for f in model._meta.get_fields()}
        if "delivered_at" in fields:
            return model.objects.filter(delivered_at__isnull=True).count()
        if "state" in fields or "status" in fields:
            name = "state" if "state" in fields else "status"
            return model.objects.exclude(**{f"{name}__in": ["DELIVERED", "SENT", "DONE", "DEAD", "FAILED"]}).count()
    return None


def _allowed(request) -> bool:
    token = settings.OPS_METRICS_TOKEN
    if token:
        header = request.headers.get("Authorization", "")
        return header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode())
    if "X-Forwarded-For" in request.headers:
        return False  # through the proxy: only with a token
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in settings.OPS_METRICS_ALLOW)


def registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        reg = CollectorRegistry()
        multiprocess.MultiProcessCollector(reg)
    else:
        from prometheus_client import REGISTRY

        reg = CollectorRegistry()
        for collector in list(REGISTRY._collector_to_names):
            reg.register(collector)
    reg.register(ScrapeTimeCollector())
    return reg


def metrics_view(request):
    if not _allowed(request):
        return HttpResponseForbidden("metrics: token or allowed address required\n", content_type="text/plain")
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
