"""The shared cache (Redis) as the request path uses it: it fails fast and degrades (issue 17).

With Redis stopped or hung a cache call raises (or times out after the 1 s socket timeout set in
``CACHES``). A ``FallbackCache`` turns that into one logged outage instead of a 500 or a slow page:

- after a failure no proxy tries Redis again for ``SHARED_CACHE_RETRY_SECONDS``, so a hung server
  costs a request at most one timeout, and the outage is logged once (and the return once);
- meanwhile it answers from a cache local to the process (``CACHES["local"]``) — ``fallback_cache``,
  used by the throttles (``config.throttling``) and the metrics figures — or, where only the shared
  value is right, raises ``CacheUnavailable`` at once — ``shared_only``, used by the calendar's
  generation token (``deadlines.rules``), which then rebuilds the calendar.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)


class CacheUnavailable(Exception):
    """The shared cache failed, or failed a moment ago and is not tried again yet."""


# Per shared cache alias, one outage for every proxy of it: when the throttle found Redis down, the
# calendar does not wait for it again in the same request.
_lock = threading.Lock()
_down_until: dict[str, float] = {}  # alias -> monotonic time before which it is not tried again
_degraded: set[str] = set()


class FallbackCache:
    """``get``, ``set`` and ``add`` on the shared cache; while it fails, on ``local`` (a cache alias)
    or, without one, ``CacheUnavailable``."""

    def __init__(self, *, shared: str = "default", local: str | None = None):
        self.shared, self.local = shared, local

    def get(self, key, default=None):
        return self._call("get", key, default)

    def set(self, key, value, timeout=None):
        return self._call("set", key, value, timeout)

    def add(self, key, value, timeout=None):
        return self._call("add", key, value, timeout)

    def _call(self, method, *args):
        failure = None
        if time.monotonic() >= _down_until.get(self.shared, 0.0):
            try:
                result = getattr(caches[self.shared], method)(*args)
            except Exception as exc:  # noqa: BLE001 - any cache failure is an outage to degrade through
                failure = exc
                _went_down(self.shared, exc)
            else:
                if self.shared in _degraded:
                    _came_back(self.shared)
                return result
        if self.local is None:
            raise CacheUnavailable(self.shared) from failure
        return getattr(caches[self.local], method)(*args)


def _went_down(alias: str, exc: Exception) -> None:
    with _lock:
        _down_until[alias] = time.monotonic() + settings.SHARED_CACHE_RETRY_SECONDS
        first = alias not in _degraded
        _degraded.add(alias)
    if first:
        logger.warning("shared cache %r unavailable (%s: %s): throttles count in this process and the "
                       "calendar is rebuilt until it answers", alias, type(exc).__name__, str(exc)[:200])


def _came_back(alias: str) -> None:
    with _lock:
        was = alias in _degraded
        _degraded.discard(alias)
        _down_until.pop(alias, None)
    if was:
        logger.info("shared cache %r answers again", alias)


def reset() -> None:
    """Forget any outage (tests)."""
    with _lock:
        _down_until.clear()
        _degraded.clear()


fallback_cache = FallbackCache(local="local")
shared_only = FallbackCache()
