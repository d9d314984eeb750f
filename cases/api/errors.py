"""One error format for the whole API.

    {"code": "validation_error", "message": "…", "fields": {"identifier": [{"code": "…", "message": "…"}]}}

Messages are in Chinese by default and in English with ``Accept-Language: en``.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from viewflow.workflow.exceptions import FlowLockFailed

from deadlines.calendar import CalendarDataMissing
from deadlines.errors import DeadlinesError

from cases.errors import Conflict, DomainError, InvalidTransition
from config.input_guard import nul_refused
from cases.locking import is_lock_conflict


def _field_errors(detail) -> dict:
    """Flatten DRF's nested error detail into {field: [{code, message}]} (dotted paths)."""
    out: dict = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), sub)
        elif isinstance(value, list) and value and not isinstance(value[0], (str, exceptions.ErrorDetail)):
            for i, sub in enumerate(value):
                walk(f"{prefix}.{i}" if prefix else str(i), sub)
        else:
            items = value if isinstance(value, list) else [value]
            out.setdefault(prefix or "non_field_errors", []).extend(
                {"code": getattr(item, "code", "invalid"), "message": str(item)} for item in items
            )

    walk("", detail)
    return out


def body(code: str, message, fields: dict | None = None, **extra) -> dict:
    data = {"code": code, "message": str(message)}
    if fields:
        data["fields"] = fields
    data.update(extra)
    return data


def exception_handler(exc, context):
    if isinstance(exc, (DomainError, DeadlinesError)):
        fields = {
            name: [{"code": c, "message": str(m)} for c, m in errors] for name, errors in exc.fields.items()
        }
        # A lockout (429) says when to come back, also in the standard header.
        headers = {"Retry-After": str(exc.extra["retry_after"])} if "retry_after" in exc.extra else None
        return Response(body(exc.code, exc.message, fields, **exc.extra), status=exc.status, headers=headers)
    if isinstance(exc, ConcurrentTransition):
        exc = Conflict()
        return Response(body(exc.code, exc.message), status=409)
    if isinstance(exc, CalendarDataMissing):
        # A deadline falls in a year whose holidays nobody has entered yet: refuse rather than guess.
        message = _("Holiday data for %(year)s is missing: an administrator must enter that year's holidays "
                    "before deadlines in it can be computed.") % {"year": exc.year}
        return Response(body("calendar_data_missing", message, year=exc.year), status=503)
    if isinstance(exc, FlowLockFailed):
        # Another action on the same case held the flow lock for the whole retry window.
        exc = Conflict()
        return Response(body("case_busy", exc.message), status=409)
    if isinstance(exc, DataError) and "NUL" in str(exc):
        # PostgreSQL refuses NUL in text: the input's fault, nothing was written.
        return Response(nul_refused(["non_field_errors"]), status=400)
    if isinstance(exc, DataError) and "out of range" in str(exc):
        # A number no id can be (beyond bigint): in the path it names nothing (404), in the body it
        # is invalid input (400); nothing was written.
        if any(isinstance(v, int) and abs(v) >= 2**63 for v in (context.get("kwargs") or {}).values()):
            return Response(body("not_found", _("Not found.")), status=404)
        return Response(body("validation_error", _("Some fields are not valid."),
                             {"non_field_errors": [{"code": "out_of_range", "message": _("A number is too large.")}]}),
                        status=400)
    if is_lock_conflict(exc):
        # PostgreSQL cancelled this transaction to break a lock conflict: nothing was written.
        return Response(body("busy_retry", _("The case was busy and nothing was changed: please try again.")),
                        status=409)
    if isinstance(exc, TransitionNotAllowed):
        exc = InvalidTransition()
        return Response(body(exc.code, exc.message), status=409)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, Http404):
        return Response(body("not_found", _("Not found.")), status=404)
    if isinstance(exc, DjangoPermissionDenied):
        return Response(body("permission_denied", _("You may not do this.")), status=403)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a genuine bug: let it surface as a 500 and be logged
    if isinstance(exc, exceptions.ValidationError):
        response.data = body("validation_error", _("Some fields are not valid."), _field_errors(exc.detail))
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if isinstance(code, (list, dict)):
            code = "error"
        response.data = body(str(code), detail if isinstance(detail, str) else str(detail))
    if response.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
        response.data["code"] = "method_not_allowed"
    return response
