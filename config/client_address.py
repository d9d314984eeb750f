"""Who the client is: the address our own reverse proxy saw, never what the client says.

nginx (deploy/nginx/credit-locations.conf) overwrites ``X-Forwarded-For`` with the address of the
peer it accepted the connection from, so behind it the header holds exactly one trustworthy entry.
``TRUSTED_PROXY_COUNT`` says how many proxies of ours stand in front of Django (1 behind nginx,
0 when gunicorn or runserver is reached directly, the embedded default). With 0 the header is
ignored; with N the N-th entry from the right is taken, since only the entries our proxies wrote
can be believed. One function, used by the throttles (config/throttling.py), the request log
(config/ops/middleware.py) and django-axes (``AXES_CLIENT_IP_CALLABLE``).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The client's IP address as our trusted proxy saw it (``REMOTE_ADDR`` without a proxy)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote  # the request did not come through our proxies (e.g. a health check on the socket)
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
