"""Input no database can store is refused at the door: a NUL character (``%00``) in a query
parameter or a form field is a 400 naming the field, in the reader's language, never a 500 from
PostgreSQL (which refuses NUL in text). JSON bodies are checked by the API's error map (a
``DataError`` about NUL becomes the same 400)."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _

from config.errors import bad_request

NUL = "\x00"


def nul_fields(request) -> list[str]:
    fields = [key for key, values in request.GET.lists() if NUL in key or any(NUL in v for v in values)]
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        fields += [key for key, values in request.POST.lists() if NUL in key or any(NUL in v for v in values)]
    return [f.replace(NUL, "\\0") for f in fields]


def nul_refused(fields: list[str]) -> dict:
    message = _("This value contains a NUL character, which is not allowed.")
    return {"code": "validation_error", "message": _("Some fields are not valid."),
            "fields": {f: [{"code": "null_character", "message": message}] for f in fields}}


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fields = nul_fields(request)
        if fields:
            if request.path.startswith("/api/"):
                return JsonResponse(nul_refused(fields), status=400, json_dumps_params={"ensure_ascii": False})
            return bad_request(request)
        return self.get_response(request)
