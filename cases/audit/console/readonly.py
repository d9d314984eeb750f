"""Auditors change nothing (domain.md Actors: "auditors read everything in their scope and change
nothing"): one middleware refuses every unsafe request (POST, PUT, PATCH, DELETE …) an auditor sends,
to any page, API endpoint or the admin, before the view runs. The services' own checks
(``cases.services.access``: auditors never act) stay as they are; this is the one place that makes
"nothing an auditor can click changes anything" true for every endpoint, present and future.

Signing in and out, and the language switch, remain open (they change the auditor's own session, no
case data): ``AUDITOR_WRITE_ALLOWED_URL_NAMES``. API calls authenticated by a token are recognised
too (DRF authenticates inside the view, after the middleware).
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from cases.models import StaffProfile
from cases.selectors.scope import staff_of

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
DEFAULT_ALLOWED = ("login", "logout", "set_language")


def _token_user(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, key = header.partition(" ")
    if scheme.lower() != "token" or not key.strip():
        return None
    from rest_framework.authtoken.models import Token

    token = Token.objects.select_related("user__staff").filter(key=key.strip()).first()
    return token.user if token is not None else None


def is_auditor(user) -> bool:
    staff = staff_of(user)
    return staff is not None and staff.role == StaffProfile.Role.AUDITOR


class AuditorReadOnlyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.allowed = frozenset(getattr(settings, "AUDITOR_WRITE_ALLOWED_URL_NAMES", DEFAULT_ALLOWED))

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS:
            return None
        match = request.resolver_match
        if match is not None and (match.view_name in self.allowed or match.url_name in self.allowed):
            return None
        user = getattr(request, "user", None)
        if not (user is not None and user.is_authenticated):
            user = _token_user(request)
        if not is_auditor(user):
            return None
        view_class = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)
        if view_class is not None and not hasattr(view_class, request.method.lower()):
            return _not_allowed(request, view_class)  # 405 as for anyone: the API's documented answer
        message = _("Auditors have read-only access: nothing can be changed from an auditor's account.")
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "auditor_read_only", "message": message}, status=403)
        return TemplateResponse(request, "audit/read_only.html", {"message": message}, status=403)


def _not_allowed(request, view_class):
    from django.http import HttpResponseNotAllowed
    from rest_framework.exceptions import MethodNotAllowed

    allowed = [m.upper() for m in view_class.http_method_names if hasattr(view_class, m)]
    if not request.path.startswith("/api/"):
        return HttpResponseNotAllowed(allowed)
    response = JsonResponse({"code": "method_not_allowed", "message": str(MethodNotAllowed(request.method).detail)},
                            status=405)
    response["Allow"] = ", ".join(allowed)
    return response
