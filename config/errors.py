"""Our error pages: 400, 403, 404 and 500 in the site's layout, in the reader's language with the
other language beneath (a person who cannot read one can read the other); under ``/api/`` every
error is the documented JSON shape ``{"code": …, "message": …}``, 500 included.

Wired as Django's ``handler400/403/404/500`` (config/urls.py), so they also replace viewflow's
English error templates for officers and auditors.
"""

from __future__ import annotations

import logging

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

logger = logging.getLogger(__name__)

ERRORS = {
    400: ("bad_request", gettext_noop("The request could not be understood."),
          gettext_noop("Check what you entered and try again.")),
    403: ("permission_denied", gettext_noop("You may not open this page."),
          gettext_noop("Sign in with an account that may, or go back to the home page.")),
    404: ("not_found", gettext_noop("Not found."),
          gettext_noop("The page does not exist or has moved. Check the address, or start again from the home page.")),
    500: ("server_error", gettext_noop("Something went wrong on our side."),
          gettext_noop("Nothing was changed. Please try again in a moment; if it happens again, tell the help desk the time and the page.")),
}


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _other_language(current: str) -> str:
    return "en" if (current or "").startswith("zh") else "zh-hans"


def _page(request, status: int) -> HttpResponse:
    code, title, advice = ERRORS[status]
    if _is_api(request):
        return JsonResponse({"code": code, "message": gettext(title)}, status=status,
                            json_dumps_params={"ensure_ascii": False})
    current = translation.get_language() or "zh-hans"
    other = _other_language(current)
    with translation.override(other):
        other_text = {"title": gettext(title), "advice": gettext(advice), "lang": other}
    context = {"status": status, "title": gettext(title), "advice": gettext(advice), "other": other_text}
    try:
        body = render_to_string("errors/error.html", context, request=request if status != 500 else None)
    except Exception:  # noqa: BLE001  an error page must never fail: plain text then
        logger.exception("the error page itself failed")
        body = f"{status} {gettext(title)} / {other_text['title']}"
        return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
    return HttpResponse(body, status=status)


def bad_request(request, exception=None):
    return _page(request, 400)


def permission_denied(request, exception=None):
    return _page(request, 403)


def page_not_found(request, exception=None):
    return _page(request, 404)


def server_error(request):
    return _page(request, 500)
