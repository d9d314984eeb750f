"""The WSGI application: one Django, two middleware chains (issue 21 item 1, docs/performance.md).

An API request that carries a token (checking systems, 应查必查, and the officers' integrations)
needs none of the middleware that serves pages: no session, no CSRF cookie (DRF's token
authentication is not CSRF-prone), no messages, no htmx, no sign-in lockout (tokens are issued by
``/api/v1/auth/token/``, which carries no token and so keeps the whole chain), no static files and
none of viewflow's page middleware. Those run ``settings.PAGE_ONLY_MIDDLEWARE``; every other
middleware, present and future, runs for both: the request id, metrics and log line, the security
headers, the language, the input guard and the auditors' read-only rule.

The token wins over a session cookie on such a request: DRF tries the session first only when
Django's authentication middleware has put the session's user on the request, which this chain
does not do.
"""

from __future__ import annotations

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler


def token_api_middleware() -> list[str]:
    """``settings.MIDDLEWARE`` without the page-only middleware, in the same order."""
    page_only = set(settings.PAGE_ONLY_MIDDLEWARE)
    unknown = page_only - set(settings.MIDDLEWARE)
    if unknown:  # a renamed middleware must not silently run for token requests again
        raise ValueError(f"PAGE_ONLY_MIDDLEWARE names middleware that is not in MIDDLEWARE: {sorted(unknown)}")
    return [path for path in settings.MIDDLEWARE if path not in page_only]


def is_token_api_request(environ) -> bool:
    return (environ.get("PATH_INFO", "").startswith("/api/")
            and environ.get("HTTP_AUTHORIZATION", "")[:6].lower() == "token ")


class TokenApiHandler(WSGIHandler):
    """Django's own handler, built from ``token_api_middleware()`` instead of ``MIDDLEWARE``."""

    def load_middleware(self, is_async=False):
        # BaseHandler.load_middleware reads settings.MIDDLEWARE and nothing else; it runs once, at
        # start-up, before any request is served.
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = token_api_middleware()
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


class Application:
    """Token API requests to the short chain, everything else to the whole one."""

    def __init__(self):
        self.pages = WSGIHandler()
        self.token_api = TokenApiHandler()

    def __call__(self, environ, start_response):
        handler = self.token_api if is_token_api_request(environ) else self.pages
        return handler(environ, start_response)
