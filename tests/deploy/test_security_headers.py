"""Every answer carries the security headers (issue 17 item 7): pages of the portal, the workspace,
the auditors' console and the admin, our error pages, the API's JSON and the files served: an
enforced Content-Security-Policy (strict on every HTML page), nosniff, Referrer-Policy,
Cross-Origin-Opener-Policy, Permissions-Policy and X-Frame-Options; HSTS in production only. A
response that sets its own Content-Security-Policy (downloads: a sandbox) keeps it.

The walk reuses the endpoint list of the auditor test (every URL pattern, filled from one case's
history) and the admin pages of the calendar test; this module is also the URLconf of its last
tests (the site plus a view with its own policy, and the two that fail: tests/deploy/error_urls.py).
"""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from rest_framework.authtoken.models import Token

from tests.audit.console_fixtures import history, world  # noqa: F401
from tests.audit.test_auditor_cannot_write import _values, concrete, patterns
from tests.deadlines.test_calendar_warning_and_admin import ADMIN_PAGES
from tests.deploy import error_urls
from tests.deploy.error_urls import handler400, handler403, handler404, handler500  # noqa: F401
from tests.deploy.test_settings_refusals import manage, production_env  # noqa: F401
from tests.factories import AdministratorFactory, UnitFactory

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self'",
    "object-src": "'none'", "base-uri": "'self'", "form-action": "'self'", "frame-ancestors": "'none'",
}
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
DENIED_FEATURES = ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()")
OWN_POLICY = "default-src 'none'; sandbox"


def own_policy(request):
    response = HttpResponse(b"%PDF-1.7", content_type="application/pdf")
    response["Content-Security-Policy"] = OWN_POLICY
    return response


urlpatterns = [path("own-policy/", own_policy), *error_urls.urlpatterns]


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {part[0]: (part[1] if len(part) > 1 else "") for part in parts}


def header_problems(where: str, response) -> list[str]:
    problems = [f"{where}: {name} is {response.get(name)!r}" for name, value in HEADERS.items()
                if response.get(name) != value]
    allowed = response.get("Permissions-Policy", "")
    problems += [f"{where}: Permissions-Policy lacks {feature}" for feature in DENIED_FEATURES if feature not in allowed]
    if "Strict-Transport-Security" in response:
        problems.append(f"{where}: HSTS outside production")
    policy = response.get("Content-Security-Policy")
    if policy is None:
        problems.append(f"{where}: no Content-Security-Policy")
    elif response.get("Content-Type", "").startswith("text/html"):
        found = directives(policy)
        if where.split()[-1].startswith("/api/docs/"):  # Swagger UI: its CDN, for this page only
            found = {name: value.replace(" https://cdn.jsdelivr.net", "").replace(" data:", "")
                     for name, value in found.items()}
        if found != STRICT:
            problems.append(f"{where}: page policy {policy!r}")
    if "Content-Security-Policy-Report-Only" in response:
        problems.append(f"{where}: report-only policy")
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return problems


@pytest.fixture
def identities(history):  # noqa: F811
    """Anonymous, an officer, an auditor (signed in), the officer's API token, an administrator."""
    def signed_in(user):
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(user)
        return client

    token = Token.objects.create(user=history["officer"])
    return {
        "anonymous": Client(HTTP_ACCEPT_LANGUAGE="zh-hans"),
        "officer": signed_in(history["officer"]),
        "auditor": signed_in(history["city_auditor"]),
        "token": Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en"),
        "administrator": signed_in(AdministratorFactory(unit=UnitFactory())),
    }


def test_every_page_and_api_answer_carries_the_security_headers(history, identities):  # noqa: F811
    values = _values(history)
    endpoints = sorted({concrete(template, history, values) for template, _name, _ in patterns()})
    assert len(endpoints) > 100 and any(p.startswith("/admin/") for p in endpoints)
    objection = history["objection"]
    endpoints += ["/", "/portal/", "/public/?q=测试", "/portal/follow/", f"/audit/?q={objection.number}",
                  f"/audit/objection/{objection.pk}/", "/work/", "/work/dashboard/", "/api/docs/", *ADMIN_PAGES]
    seen_status, problems = set(), []
    for who, client in identities.items():
        paths = [p for p in endpoints if p.startswith("/api/")] if who == "token" else endpoints
        for url in paths:
            response = client.get(url)
            seen_status.add(response.status_code)
            problems += header_problems(f"{who} GET {url}", response)
    assert problems == []
    assert {200, 302, 403, 404} <= seen_status  # pages, redirects to sign in, refusals and our 404 alike


def test_html_pages_get_the_strict_policy_and_api_json_the_headers_too(history, identities):  # noqa: F811
    page = identities["officer"].get("/work/")
    assert page.status_code == 200 and directives(page["Content-Security-Policy"]) == STRICT
    api = identities["token"].get("/api/v1/tasks/")
    assert api.status_code == 200 and api["Content-Type"].startswith("application/json")
    assert header_problems("api", api) == []


@pytest.mark.urls(__name__)
def test_error_pages_carry_the_headers():
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-hans")
    answers = {"404 page": client.get("/no/such/page/"), "404 json": client.get("/api/v1/no-such-thing/"),
               "500 page": client.get("/portal/boom/"), "500 json": client.get("/api/v1/boom/"),
               "400 page": client.get("/portal/", HTTP_HOST="not-an-allowed-host.example"),
               "400 json": client.get("/api/v1/subjects/?search=%00")}
    assert [a.status_code for a in answers.values()] == [404, 404, 500, 500, 400, 400]
    assert [p for where, answer in answers.items() for p in header_problems(where, answer)] == []
    assert directives(answers["500 page"]["Content-Security-Policy"]) == STRICT


@pytest.mark.urls(__name__)
def test_a_response_that_sets_its_own_policy_keeps_it():
    response = Client().get("/own-policy/")
    assert response["Content-Security-Policy"] == OWN_POLICY
    assert response["X-Content-Type-Options"] == "nosniff" and response["X-Frame-Options"] == "DENY"


def test_hsts_is_sent_in_production_only(client, production_env):  # noqa: F811
    assert "Strict-Transport-Security" not in client.get("/portal/", secure=True)
    production = manage(
        "shell", "-c",
        "from django.test import Client; r = Client().get('/no/such/page/', secure=True, "
        "HTTP_HOST='credit.example.gov.cn'); print(r.status_code, r['Strict-Transport-Security'], "
        "r['Content-Security-Policy'], sep='|')",
        **production_env)
    assert production.returncode == 0, production.stderr
    status, hsts, policy = production.stdout.strip().splitlines()[-1].split("|")
    assert status == "404" and hsts.startswith("max-age=31536000") and "includeSubDomains" in hsts
    assert directives(policy) == STRICT
