"""API requests that carry a token take the short middleware chain (config/handlers.py, issue 21
item 1); everything they must keep still holds on it: the answer, the security headers, the request
id, the reader's language, the input guard and the auditors' read-only rule. Requests go through
the WSGI application gunicorn serves (``config.wsgi.application``), not through the test client,
which builds its own handler with the whole chain.
"""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.conf import settings
from django.core import signals
from django.db import close_old_connections
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from config.handlers import Application, token_api_middleware
from tests.api.status_fixtures import listed, world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def app():
    return Application()


@pytest.fixture
def wsgi(app):
    """Call the application inside the test's transaction (as Django's test client does, the
    connection is not closed at the end of each request)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)

    def call(method, path, *, token=None, body=b"", query="", headers=None):
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
            "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "testserver", "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr, "wsgi.multithread": False,
            "wsgi.multiprocess": True, "wsgi.run_once": False, "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/json" if body else "",
            **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()},
        }
        if token:
            environ["HTTP_AUTHORIZATION"] = f"Token {token}"
        answer = {}

        def start_response(status, response_headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            answer["headers"] = dict(response_headers)

        response = app(environ, start_response)
        try:
            answer["body"] = b"".join(response)
        finally:
            response.close()
        return answer

    yield call
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def token_of(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def test_the_short_chain_is_the_whole_chain_without_the_page_only_middleware():
    short = token_api_middleware()
    assert short == [m for m in settings.MIDDLEWARE if m not in settings.PAGE_ONLY_MIDDLEWARE]
    for kept in ("config.ops.middleware.RequestContextMiddleware", "django.middleware.security.SecurityMiddleware",
                 "config.security_headers.CSPMiddleware", "django.middleware.locale.LocaleMiddleware",
                 "config.input_guard.InputGuardMiddleware", "cases.audit.console.readonly.AuditorReadOnlyMiddleware"):
        assert kept in short
    for skipped in ("django.contrib.sessions.middleware.SessionMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
                    "viewflow.middleware.SiteMiddleware"):
        assert skipped not in short


def test_a_page_only_middleware_that_is_not_in_the_chain_is_an_error(settings):
    settings.PAGE_ONLY_MIDDLEWARE = [*settings.PAGE_ONLY_MIDDLEWARE, "somewhere.RenamedMiddleware"]
    with pytest.raises(ValueError, match="RenamedMiddleware"):
        token_api_middleware()


def test_a_status_check_on_the_short_chain_answers_as_the_whole_chain_does(world, wsgi):
    listed(world)
    key = token_of(world["officer_a"])
    code = world["subject"].identifier
    short = wsgi("GET", f"/api/v1/status/{code}/", token=key)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    whole = client.get(f"/api/v1/status/{code}/")
    assert short["status"] == whole.status_code == 200
    assert json.loads(short["body"]) == whole.json()
    assert [m["measure"] for m in json.loads(short["body"])["measures"]["mandatory"]] == [world["mandatory"].code]
    # The request id, the security headers and no session cookie.
    headers = short["headers"]
    assert headers["X-Request-ID"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert "Set-Cookie" not in headers


def test_a_malformed_code_is_a_400_in_the_readers_language(world, wsgi):
    key = token_of(world["officer_a"])
    zh = wsgi("GET", "/api/v1/status/91-630100/", token=key)
    en = wsgi("GET", "/api/v1/status/91-630100/", token=key, headers={"Accept-Language": "en"})
    assert zh["status"] == en["status"] == 400
    zh_message = json.loads(zh["body"])["fields"]["identifier"][0]["message"]
    en_message = json.loads(en["body"])["fields"]["identifier"][0]["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh_message)
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in en_message)


def test_a_nul_character_is_a_400_naming_the_field(world, wsgi):
    answer = wsgi("GET", f"/api/v1/status/{world['subject'].identifier}/", token=token_of(world["officer_a"]),
                  query="unit=a%00b")
    assert answer["status"] == 400
    assert "unit" in json.loads(answer["body"])["fields"]


def test_an_auditors_token_still_changes_nothing_but_may_screen_a_batch(world, wsgi):
    """The batch check is a read sent as POST: open to auditors with a token too (it was refused
    by the read-only rule, which tests with a forced login never saw)."""
    answer = wsgi("POST", "/api/v1/status/batch/", token=token_of(world["auditor"]),
                  body=json.dumps({"identifiers": [world["subject"].identifier]}).encode())
    assert answer["status"] == 200  # the batch check is a read, open to auditors
    entry = listed(world)
    answer = wsgi("POST", f"/api/v1/entries/{entry.pk}/withdraw/", token=token_of(world["auditor"]),
                  body=json.dumps({"reason": "审计员试图撤回"}).encode())
    assert answer["status"] == 403
    assert json.loads(answer["body"])["code"] == "auditor_read_only"


def test_a_bad_token_is_refused_on_the_short_chain_as_on_the_whole_one(world, wsgi):
    path = f"/api/v1/status/{world['subject'].identifier}/"
    answer = wsgi("GET", path, token="0" * 40)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    whole = client.get(path)
    assert answer["status"] == whole.status_code == 403
    assert json.loads(answer["body"]) == whole.json()


def test_requests_without_a_token_keep_the_whole_chain(world, wsgi):
    """A page, and an API call of a signed-in browser (session and CSRF), go the whole way."""
    page = wsgi("GET", "/")
    assert page["status"] in (200, 302)
    officer = world["officer_a"]
    client = APIClient()
    client.force_login(officer)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    answer = wsgi("GET", f"/api/v1/status/{world['subject'].identifier}/",
                  headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"})
    assert answer["status"] == 200
