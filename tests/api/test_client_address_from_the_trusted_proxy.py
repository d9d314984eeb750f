"""Client addresses come only from our trusted proxy (issue 17, item 3): with no proxy the
``X-Forwarded-For`` header is ignored; behind nginx (``TRUSTED_PROXY_COUNT=1``) only the entry nginx
wrote counts. The throttles, the request log and django-axes all read the same address."""

import logging

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from rest_framework.test import APIClient

from config.client_address import client_address

pytestmark = pytest.mark.django_db


def _request(remote="127.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(_request("192.0.2.7", "10.9.9.9")) == "192.0.2.7"


def test_behind_nginx_only_the_entry_nginx_wrote_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request("127.0.0.1", "192.0.2.7")) == "192.0.2.7"
    # A proxy that appended to what the client sent: the client's own entries are ignored.
    assert client_address(_request("127.0.0.1", "10.9.9.9, 8.8.8.8, 192.0.2.7")) == "192.0.2.7"
    assert client_address(_request("127.0.0.1", " 2001:db8::1 ")) == "2001:db8::1"


def test_a_missing_or_malformed_header_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(_request("127.0.0.1")) == "127.0.0.1"
    assert client_address(_request("127.0.0.1", "")) == "127.0.0.1"
    assert client_address(_request("127.0.0.1", "not-an-address")) == "127.0.0.1"


def test_a_spoofed_header_does_not_buy_a_fresh_throttle_budget(settings):
    """Behind nginx, 61 requests from one address, each with a different forged left-hand entry:
    the public API's 60 a minute still holds."""
    settings.TRUSTED_PROXY_COUNT = 1
    client = APIClient()
    answers = [client.get(f"/api/v1/public/objections/YY-2026-{i:06d}/", {"code": "X"},  # a number each:
                          HTTP_X_FORWARDED_FOR=f"10.0.{i // 250}.{i % 250}, 192.0.2.50")  # no code lockout
               for i in range(61)]
    assert [a.status_code for a in answers[:60]] == [404] * 60
    assert answers[60].status_code == 429 and answers[60].json()["code"] == "throttled"


def test_without_a_proxy_a_forged_header_is_no_new_address_either(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    client = APIClient()
    answers = [client.get(f"/api/v1/public/objections/YY-2026-{i:06d}/", {"code": "X"},
                          REMOTE_ADDR="192.0.2.51", HTTP_X_FORWARDED_FOR=f"10.1.{i // 250}.{i % 250}")
               for i in range(61)]
    assert answers[60].status_code == 429 and answers[60].json()["code"] == "throttled"


def test_axes_and_the_request_log_record_the_trusted_address(settings, caplog):
    settings.TRUSTED_PROXY_COUNT = 1
    with caplog.at_level(logging.INFO, logger="credit.request"):
        APIClient().post("/api/v1/auth/token/", {"username": "nobody-here", "password": "x"}, format="json",
                         REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.60")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["192.0.2.60"]
    line = next(r for r in caplog.records if r.name == "credit.request" and r.getMessage().startswith("POST"))
    assert line.client == "192.0.2.60"
