"""The Content-Security-Policy of an answer no view changed is built once per process
(config.security_headers.CSPMiddleware, issue 21 item 1), and every answer carries exactly the headers
django-csp's own middleware would have written."""

import pytest
from csp.decorators import csp_exempt, csp_replace, csp_update
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from config.security_headers import CSPMiddleware

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["'self'", "data:"]}}
REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}, "EXCLUDE_URL_PREFIXES": ["/static/"]}


def answers(view, path="/api/v1/status/x/"):
    """The same request and view through both middlewares: (ours, django-csp's) headers."""
    written = []
    for middleware_class in (CSPMiddleware, DjangoCSPMiddleware):
        request = RequestFactory().get(path)
        middleware = middleware_class(view)
        middleware.process_request(request)
        response = middleware.process_response(request, view(request))
        written.append({h: response.get(h) for h in HEADERS})
    return written


def plain(request):
    return HttpResponse("{}")


def uses_a_nonce(request):
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")


@csp_update({"img-src": "https://tiles.example"})
def updated(request):
    return HttpResponse("x")


@csp_replace({"default-src": "'none'"})
def replaced(request):
    return HttpResponse("x")


@csp_exempt()
def exempt(request):
    return HttpResponse("x")


def own_header(request):
    response = HttpResponse("x")
    response["Content-Security-Policy"] = "sandbox"
    return response


@pytest.mark.parametrize("view", [plain, uses_a_nonce, updated, replaced, exempt, own_header])
@pytest.mark.parametrize("path", ["/api/v1/status/x/", "/static/site.css"])
def test_every_answer_gets_what_django_csp_would_write(view, path):
    with override_settings(CONTENT_SECURITY_POLICY=POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY=REPORT_ONLY):
        ours, theirs = answers(view, path)
    assert ours == theirs
    if view is plain:
        assert sorted(ours["Content-Security-Policy"].split("; ")) == ["default-src 'self'", "img-src 'self' data:"]
        assert ours["Content-Security-Policy-Report-Only"] == (None if path.startswith("/static/") else "default-src 'none'")


def test_the_plain_policy_is_built_once_and_again_after_the_setting_changes():
    with override_settings(CONTENT_SECURITY_POLICY=POLICY):
        first = CSPMiddleware.plain_policies()
        assert CSPMiddleware.plain_policies() is first
        with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": ["'none'"]}}):
            assert answers(plain)[0]["Content-Security-Policy"] == "default-src 'none'"
        assert answers(plain)[0]["Content-Security-Policy"] == first[0]


def test_a_nonce_asked_for_after_the_header_was_written_is_an_error():
    from csp.exceptions import CSPNonceError

    request = RequestFactory().get("/")
    middleware = CSPMiddleware(plain)
    middleware.process_request(request)
    middleware.process_response(request, plain(request))
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
