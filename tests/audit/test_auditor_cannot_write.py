"""Nothing an auditor can click changes anything: every URL pattern Django resolves (pages, API,
admin, present and future) is sent POST, PUT, PATCH and DELETE as an auditor, signed in and with an
API token; each answer is 403, 404 or 405, and no row of any table changed."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern
from rest_framework.authtoken.models import Token

from workflow.models import WorkItem

from .console_fixtures import history, world  # noqa: F401

pytestmark = pytest.mark.django_db

UNSAFE = ("post", "put", "patch", "delete")
REFUSED = {403, 404, 405}
# The auditor's own session, not case data (settings.AUDITOR_WRITE_ALLOWED_URL_NAMES).
OWN_SESSION = {"login", "logout", "set_language"}
READS_SENT_AS_POST = {"status-batch"}  # 1,000 codes do not fit in an address; auditors screen too
ROUTE_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def patterns(resolver=None, prefix=""):
    """(path template, url name, pattern) for every endpoint, with the prefixes of its includes."""
    resolver = resolver or get_resolver()
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            yield from patterns(item, prefix + _text(item.pattern))
        elif isinstance(item, URLPattern):
            yield prefix + _text(item.pattern), item.name, item


def _text(pattern) -> str:
    if isinstance(pattern, RegexPattern):
        return pattern._regex.lstrip("^").rstrip("$").replace("\\Z", "")
    return str(pattern)


def _values(history) -> dict:
    task = WorkItem.objects.filter(is_open=True, object_type="cases.objectioncase").first()
    letter = history["objection"].pk
    return {
        "task_id": task.task_id, "identifier": history["entry"].subject.identifier,
        "number": history["objection"].number, "kind": "objection", "letter_id": letter,
        "attachment_id": 1, "object_id": str(history["entry"].pk), "app_label": "cases",
        "url": "nothing/", "token": "x" * 22, "code": history["listing"].code,
    }


def _pk_for(path: str, history, task_id: int) -> int:
    if "tasks/" in path:
        return task_id
    if "objection" in path or path.startswith("audit/"):
        return history["objection"].pk
    return history["entry"].pk


def concrete(template: str, history, values: dict) -> str:
    def fill(name: str) -> str:
        if name == "pk":
            return str(_pk_for(template, history, values["task_id"]))
        return str(values.get(name, "1"))

    path = ROUTE_PARAM.sub(lambda m: fill(m.group(2)), template)
    path = REGEX_GROUP.sub(lambda m: fill(m.group(1)), path)
    return "/" + path.replace("\\", "")


def snapshot() -> dict:
    """Row count and a digest of every row of every table (sessions aside: they are the auditor's)."""
    digests = {}
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            if table == "django_session":
                continue
            cur.execute(f'SELECT count(*), md5(coalesce(string_agg(md5(t::text), \'\' ORDER BY md5(t::text)), \'\')) '
                        f'FROM "{table}" t')
            digests[table] = cur.fetchone()
    return digests


@pytest.fixture
def auditor_clients(history):
    auditor = history["city_auditor"]
    session = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    session.force_login(auditor)
    token = Token.objects.create(user=auditor)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    return session, api


def test_every_write_endpoint_refuses_an_auditor_and_nothing_changes(history, auditor_clients):
    session, api = auditor_clients
    values = _values(history)
    endpoints = [(concrete(t, history, values), name) for t, name, _ in patterns()
                 if name not in OWN_SESSION | READS_SENT_AS_POST]
    assert len(endpoints) > 100  # the walk reaches the admin and every area's pages and API
    assert any(p.startswith("/api/v1/tasks/") for p, _ in endpoints) and any(p.startswith("/admin/") for p, _ in endpoints)
    before = snapshot()
    accepted = []
    for path, name in endpoints:
        for method in UNSAFE:
            clients = (session, api) if path.startswith("/api/") else (session,)
            for client in clients:
                response = getattr(client, method)(path, data={"accept": True, "reason": "审计试探"},
                                                   content_type="application/json")
                if response.status_code not in REFUSED:
                    accepted.append((method.upper(), path, name, response.status_code))
    assert accepted == []
    assert snapshot() == before


def test_the_refusal_says_why_in_the_api_format_and_on_a_page(history, auditor_clients):
    session, api = auditor_clients
    response = api.post(f"/api/v1/entries/{history['entry'].pk}/withdraw/", {"reason": "x"},
                        content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"code": "auditor_read_only",
                               "message": "审计人员为只读权限：审计账号不能更改任何内容。"}
    page = session.post("/work/reassign/", {})
    assert page.status_code == 403 and "只读权限" in page.content.decode()


def test_reading_every_console_page_changes_nothing(history, auditor_clients):
    session, _api = auditor_clients
    objection = history["objection"]
    before = snapshot()
    for path in ("/audit/", f"/audit/?q={objection.number}", f"/audit/objection/{objection.pk}/",
                 f"/audit/objection/{objection.pk}/as-of/?at=2026-03-05", f"/audit/objection/{objection.pk}/verify/",
                 f"/audit/objection/{objection.pk}/bundle.zip", f"/audit/entry/{history['entry'].pk}/"):
        response = session.get(path)
        assert response.status_code == 200, path
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert snapshot() == before


def test_officers_still_write(history):
    """The middleware stops auditors only: the same kind of request from the listing unit's officer
    reaches the service (here a 400 for the missing reason, not a 403)."""
    client = Client()
    client.force_login(history["officer"])
    response = client.post(f"/api/v1/entries/{history['entry'].pk}/correct/", {}, content_type="application/json")
    assert response.status_code == 400, response.content
