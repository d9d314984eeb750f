"""Staff sign-in that cannot be guessed at (issue 17, item 3), on django-axes.

Axes counts failed sign-ins by username in PostgreSQL (``config/settings/parts/limits.py``): after
``AXES_FAILURE_LIMIT`` failures the account is refused for ``AXES_COOLOFF_TIME``, even with the
right password and whatever address the attempts came from. This module gives that refusal its
words: the API's JSON error shape under ``/api/`` (``POST /api/v1/auth/token/``), a page in the
site's layout for ``/accounts/login/`` and the admin. An administrator lifts a lockout at once with
``manage.py axes_reset_username USERNAME`` (docs/operations.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import math

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

logger = logging.getLogger("credit.signin")

TITLE = gettext_noop("This account is locked for now.")
ADVICE = gettext_noop("There were %(limit)s failed sign-ins for this account. You can try again after %(time)s "
                      "(Beijing time), or ask an administrator to unlock the account.")


def unlocks_at(username: str, request=None) -> dt.datetime:
    """When the lockout of ``username`` ends: the moment the counted failures drop below the limit."""
    now = timezone.now()
    cool_off = get_cool_off(request) or dt.timedelta(0)
    limit = get_failure_limit(request, {"username": username})
    rows = AccessAttempt.objects.filter(username=username, attempt_time__gte=now - cool_off).order_by("-attempt_time")
    counted = 0
    for attempt_time, failures in rows.values_list("attempt_time", "failures_since_start"):
        counted += failures
        if counted >= limit:
            return attempt_time + cool_off
    return now + cool_off


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with when the account unlocks, JSON under /api/, a page elsewhere."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    until = unlocks_at(username, request)
    retry_after = max(1, math.ceil((until - timezone.now()).total_seconds()))
    limit = get_failure_limit(request, credentials)
    when = timezone.localtime(until).strftime("%Y-%m-%d %H:%M")
    logger.warning("sign-in refused: account locked", extra={"username": username, "locked_until": until.isoformat(),
                                                            "path": request.path})
    status = settings.AXES_HTTP_RESPONSE_CODE
    words = {"limit": limit, "time": when}
    if request.path.startswith("/api/"):
        message = gettext(ADVICE) % words
        response = JsonResponse({
            "code": "account_locked", "message": gettext(TITLE),
            "fields": {"username": [{"code": "account_locked", "message": message}]},
            "locked_until": until.isoformat(), "retry_after": retry_after,
        }, status=status, json_dumps_params={"ensure_ascii": False})
    else:
        current = translation.get_language() or "zh-hans"
        other = "en" if current.startswith("zh") else "zh-hans"
        with translation.override(other):
            other_text = {"title": gettext(TITLE), "advice": gettext(ADVICE) % words, "lang": other}
        context = {"status": status, "title": gettext(TITLE), "advice": gettext(ADVICE) % words, "other": other_text}
        response = HttpResponse(render_to_string("errors/error.html", context, request=request), status=status)
    response["Retry-After"] = str(retry_after)
    return response


class TestClientAxesBackend(AxesStandaloneBackend):
    """The test settings' axes backend. Django's test ``Client.login()`` calls ``authenticate()``
    without a request, which axes refuses (``AxesBackendRequestParameterRequired``); that one
    call is let through to the next backend. Every sign-in through a view carries its request and
    is counted and locked exactly as in production (which uses ``AxesStandaloneBackend`` itself)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
