"""The OpenAPI document is the contract: every operation declares the error answers it can give,
in the one error shape of ``cases.api.errors``, decided once here by what kind of view it is
(issue 17, item 9) rather than by hand on each view.

    400  every operation: a NUL in any query parameter (config.input_guard), a body that does not
         parse or does not validate (``validation_error`` with ``fields``)
    401  operations that need a sign-in: a wrong or missing token
    403  operations that need a sign-in: not staff, another unit, an auditor writing, …
    404  operations with a path parameter (another unit's object is 404 or 403, never 400)
    409  writes: a state change that is not allowed now, a task someone else took, a busy case
    429  public operations and throttled ones: the address's or the case's limit was reached
    503  writes and deadline plans: holiday data for a year is missing

Codes a view declares itself keep its declaration; an error answer it declares without a body
gets the error body.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class FieldErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="e.g. required, invalid, max_length, null_character")
    message = serializers.CharField(help_text="In Chinese, or in English with Accept-Language: en.")


class ErrorSerializer(serializers.Serializer):
    """Every error of the API: ``{"code": …, "message": …}``; a 400 ``validation_error`` adds
    ``fields``. Some errors add context (e.g. ``state``, ``year``, ``owner``)."""

    code = serializers.CharField(help_text="validation_error, parse_error, not_authenticated, permission_denied, "
                                           "wrong_unit, auditor_read_only, not_found, invalid_transition, throttled, …")
    message = serializers.CharField()
    fields = serializers.DictField(
        child=FieldErrorSerializer(many=True), required=False,
        help_text="Field errors by field name (dotted for nested fields; non_field_errors for the whole body).")


ERRORS = {
    "400": "Bad request: the body or a parameter is not valid (`validation_error` with `fields`), the body "
           "does not parse (`parse_error`), or a value holds a NUL character.",
    "401": "Not signed in, or the token is wrong or revoked.",
    "403": "Not allowed: not a member of a unit, another unit's object, an auditor (read-only), a step for a "
           "leader.",
    "404": "Not found, or not visible to you.",
    "409": "Conflict: the case or task is not in a state that allows this now, someone else acted first, or "
           "the case was busy (nothing was changed).",
    "429": "Too many requests: the limit for your address, account or case was reached; try again later.",
    "503": "A needed part is missing (e.g. the holiday data of a year): nothing was changed.",
}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _is_public(view) -> bool:
    permissions = list(getattr(view, "permission_classes", []) or [])
    return all(p is AllowAny or (isinstance(p, type) and issubclass(p, AllowAny)) for p in permissions)


def error_codes(view, method: str, path: str) -> list[str]:
    """The error statuses an operation can answer with, by the kind of view it is."""
    public = _is_public(view)
    codes = ["400"]
    if not public:
        codes += ["401", "403"]
    elif method in UNSAFE:
        codes.append("403")  # an auditor's token: auditors change nothing, not even on the public side
    if "{" in path or (method == "GET" and getattr(view, "pagination_class", None) is not None
                       and hasattr(view, "paginate_queryset")):
        codes.append("404")  # a path naming nothing, or a page past the last
    if method in UNSAFE:
        codes += ["409", "503"]
    if public or getattr(view, "throttle_classes", None):
        codes.append("429")
    codes += [str(c) for c in getattr(view, "extra_error_codes", ())]
    return sorted(set(codes))


def _carries_files(serializer) -> bool:
    fields = getattr(serializer, "fields", {}) if serializer is not None else {}
    return any(isinstance(f, serializers.FileField)
               or isinstance(getattr(f, "child", None), serializers.FileField) for f in fields.values())


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        """A form that needs at least one of some fields (``any_of_required``) says so."""
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        names = getattr(serializer, "any_of_required", ())
        if direction == "request" and names:
            schema["anyOf"] = [{"required": [name]} for name in names]
        return schema

    def map_parsers(self):
        """A body with files is multipart; any other body is declared as JSON only (forms still
        parse): a list or a nested value has one meaning in JSON, not several in a form."""
        media_types = super().map_parsers()
        serializer = self.get_request_serializer()
        serializer = serializer() if isinstance(serializer, type) else serializer
        if _carries_files(serializer):
            return [m for m in media_types if m == "multipart/form-data"] or media_types
        return [m for m in media_types if m == "application/json"] or media_types

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in error_codes(self.view, self.method, self.path):
            declared = responses.get(code)
            if declared is not None and declared.get("content"):
                continue
            description = (declared or {}).get("description") or ERRORS.get(code, "Error.")
            responses[code] = self._get_response_for_code(
                OpenApiResponse(ErrorSerializer, description=description), code, media_types=["application/json"])
        return dict(sorted(responses.items()))
