"""Prometheus metrics (access rules, what is exported) and request ids in and out (issue 9)."""

import datetime as dt
import io
import json
import logging

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from config.logging import build
from config.ops import context

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_scrape_cache():
    cache.delete("ops:metrics:scrape-figures")


def test_metrics_from_loopback_show_requests_and_deadline_gauges():
    client = Client()
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'credit_http_requests_total{method="GET",status="200",view="ops-healthz"}' in text
    assert "credit_http_request_duration_seconds_bucket" in text
    assert "credit_deadlines_due_today" in text and 'credit_deadlines_overdue{escalated="no"}' in text
    assert 'credit_celery_queue_depth{queue="deadlines"}' in text


def test_metrics_through_the_proxy_or_from_elsewhere_are_refused():
    assert Client().get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403
    assert Client(REMOTE_ADDR="203.0.113.9").get("/metrics").status_code == 403


def test_with_a_token_only_the_bearer_gets_metrics(settings):
    settings.OPS_METRICS_TOKEN = "s3cret-metrics-token"
    assert Client().get("/metrics").status_code == 403
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    ok = Client(REMOTE_ADDR="203.0.113.9").get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token")
    assert ok.status_code == 200


def test_overdue_and_due_today_count_open_unpaused_tasks(province, as_user):
    from tests.workflow.test_listing_through_the_api import draft

    from workflow.models import WorkItem

    draft(as_user(province["officer"]), province)
    item = WorkItem.objects.get(is_open=True)
    today = timezone.localdate()
    item.due = today - dt.timedelta(days=3)
    item.save(update_fields=["due"])
    text = Client().get("/metrics").content.decode()
    assert 'credit_deadlines_overdue{escalated="no"} 1.0' in text
    assert "credit_deadlines_due_today 0.0" in text


def test_request_id_is_echoed_when_well_formed_and_replaced_otherwise():
    client = Client()
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc123-from-nginx")["X-Request-ID"] == "abc123-from-nginx"
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="bad id with spaces\n")["X-Request-ID"]
    assert replaced != "bad id with spaces\n" and len(replaced) == 32
    assert len(client.get("/healthz")["X-Request-ID"]) == 32


def test_a_request_that_changes_a_case_logs_json_with_request_and_case_id(province, as_user):
    """The access line of the request that drafts an entry names the entry's audit chain."""
    from tests.workflow.test_listing_through_the_api import draft

    stream = io.StringIO()
    config = build(fmt="json")
    handler = logging.StreamHandler(stream)
    handler.addFilter(logging.Filter())
    from config.logging import ContextFilter
    from pythonjsonlogger.json import JsonFormatter

    fmt = config["formatters"]["json"]
    handler.setFormatter(JsonFormatter(fmt["format"], rename_fields=fmt["rename_fields"], json_ensure_ascii=False))
    handler.addFilter(ContextFilter())
    logger = logging.getLogger("credit.request")
    logger.addHandler(handler)
    # Whatever earlier code in this thread left bound (services called outside any request bind the
    # case they touch) must be what the request restores.
    before = (context.request_id_var.get(), context.case_id_var.get())
    try:
        client = as_user(province["officer"])
        client.credentials(HTTP_X_REQUEST_ID="req-0123456789")
        entry = draft(client, province)
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    line = [x for x in lines if x.get("view") == "entry-list" or x.get("path") == "/api/v1/entries/"][-1]
    assert line["request_id"] == "req-0123456789"
    assert line["case_id"] == f"cases.listentry:{entry['id']}"
    assert line["status"] == 201 and line["level"] == "INFO" and "duration_ms" in line
    assert (context.request_id_var.get(), context.case_id_var.get()) == before, "nothing leaks past the request"


def test_published_tasks_carry_the_request_and_case_ids_in_their_headers():
    from config.celery import _stamp_headers

    tokens = context.bind(request_id="req-abcdef12", case_id="cases.objectioncase:7")
    try:
        headers = {}
        _stamp_headers(headers=headers)
    finally:
        context.reset(tokens)
    assert headers["x_request_id"] == "req-abcdef12" and headers["x_case_id"] == "cases.objectioncase:7"
    assert isinstance(headers["x_published_at"], float)
