"""One middleware for the request's operational context.

- X-Request-ID: taken from the proxy or client when well formed, else generated; bound for the
  request's log lines and the Celery tasks it schedules; returned on the response.
- Read replica: views listed in ``DATABASE_REPLICA_VIEWS`` read from ``DATABASES["replica"]`` when
  one is configured (``config.db_routers``).
- Metrics: requests and latency by view (the URL name, never the raw path, so label values stay
  few), and one structured log line per request.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings

from config import db_routers
from config.client_address import client_address

from . import context
from .metrics import HTTP_LATENCY, HTTP_REQUESTS

logger = logging.getLogger("credit.request")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.replica_views = frozenset(getattr(settings, "DATABASE_REPLICA_VIEWS", ()))

    def __call__(self, request):
        started = time.perf_counter()
        # META, not request.headers: that builds a dict of every header, once per request, for one.
        request_id = context.clean_request_id(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id
        tokens = context.bind(request_id=request_id, case_id="")
        replica_token = None
        request._ops_replica_token = None
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            self._record(request, response.status_code, started)
            return response
        except Exception:
            self._record(request, 500, started)
            raise
        finally:
            replica_token = request._ops_replica_token
            if replica_token is not None:
                db_routers.use_replica.reset(replica_token)
            context.reset(tokens)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.view_name in self.replica_views and "replica" in settings.DATABASES:
            request._ops_replica_token = db_routers.use_replica.set(True)
        return None

    @staticmethod
    def _record(request, status, started):
        elapsed = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None and match.view_name else "<unresolved>"
        counter, latency = _series(view, request.method, status)
        counter.inc()
        latency.observe(elapsed)
        if logger.isEnabledFor(logging.INFO):  # the line's fields are built only when it is written
            logger.info(
                "%s %s %s", request.method, request.path, status,
                extra={"http_method": request.method, "path": request.path, "status": status, "view": view,
                       "duration_ms": round(elapsed * 1000, 1), "client": client_address(request)},
            )


# Each (view, method, status)'s two labelled series, looked up once per process: ``labels()`` checks
# and locks on every call. As many keys as prometheus-client keeps series (URL names, not paths).
_SERIES: dict[tuple[str, str, int], tuple] = {}


def _series(view: str, method: str, status: int) -> tuple:
    key = (view, method, status)
    series = _SERIES.get(key)
    if series is None:
        series = _SERIES[key] = (HTTP_REQUESTS.labels(view=view, method=method, status=str(status)),
                                 HTTP_LATENCY.labels(view=view, method=method))
    return series
