"""Throttles that keep counting when Redis is down (issue 17, item 2).

DRF's throttles keep each address's request history in the default cache (Redis); one that raises
turns every public request into a 500. Every throttle of ours derives from ``AnonThrottle`` (or sets
``cache = fallback_cache``): it counts in Redis and, while Redis fails, in the process
(``config.shared_cache``). The limit then holds per process (per gunicorn worker) instead of per
deployment: looser by the number of workers, never absent.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from config.client_address import client_address
from config.shared_cache import fallback_cache


class AnonThrottle(AnonRateThrottle):
    """DRF's per-address throttle, counting in Redis or, while Redis is down, in the process.

    The address is the one our trusted proxy saw (``config.client_address``, issue 17 item 3): a
    client that sends its own ``X-Forwarded-For`` does not get a fresh budget per request.
    """

    cache = fallback_cache

    def get_ident(self, request):
        return client_address(request)


class PublicDisclosureThrottle(AnonThrottle):
    """公示: one budget per address for the search page and the API together (rate
    ``PUBLIC_DISCLOSURE_RATE``, default 60 searches a minute)."""

    scope = "public_disclosure"

    def get_rate(self):
        return getattr(settings, "PUBLIC_DISCLOSURE_RATE", "60/minute")
