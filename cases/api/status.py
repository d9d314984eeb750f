"""The status check (应查必查) API: single and batch. Thin: parse, call the selector, render.

    GET  /api/v1/status/{code}/?as_of=YYYY-MM-DD[&unit=<unit code>]
    POST /api/v1/status/batch/   {"identifiers": [...], "as_of": "YYYY-MM-DD", "unit": "<unit code>"}

Any staff member may ask (auditors too: it is a read and records nothing). An unknown subject is
the common, valid answer "not listed": 200 with ``listed: false`` and ``subject: null``.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.authentication import get_authorization_header
from rest_framework.authtoken.models import Token
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.errors import ValidationFailed
from cases.models import Subject
from cases.selectors import status as selectors
from cases.selectors.scope import staff_of

from config import prepared

from .authentication import HOLDER_AHEAD, HOLDER_WIDTH, TokenAuthentication, holder_from_row, token_holder
from .serializers import QuerySerializer, StrictCharField


class IsStaffReader(BasePermission):
    """Any signed-in staff member, auditors included (a read, whatever the HTTP method)."""

    def has_permission(self, request, view):
        return staff_of(request.user) is not None


# --- input ------------------------------------------------------------------------------------

class AsOfField(serializers.DateField):
    def __init__(self, **kwargs):
        super().__init__(required=False, allow_null=True, default=None, input_formats=["%Y-%m-%d"], **kwargs)

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if day > timezone.localdate():
            raise serializers.ValidationError(_("The date cannot be in the future."), code="as_of_future")
        return day


class StatusQuerySerializer(QuerySerializer):
    as_of = AsOfField(label=_("as of"))
    unit = serializers.CharField(required=False, allow_blank=True, default="", label=_("unit"))


class StatusBatchRequestSerializer(serializers.Serializer):
    identifiers = serializers.ListField(
        child=StrictCharField(max_length=64, allow_blank=True, trim_whitespace=True),
        allow_empty=False, min_length=1, max_length=selectors.BATCH_LIMIT, label=_("identifiers"),
        error_messages={"max_length": _("At most {max_length} codes in one batch.")},
    )
    as_of = AsOfField(label=_("as of"))
    unit = serializers.CharField(required=False, allow_blank=True, default="", label=_("unit"))


# --- output -----------------------------------------------------------------------------------

class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ListTypeBriefSerializer(CodeNameSerializer):
    kind = serializers.CharField()


class EntryStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    list_type = ListTypeBriefSerializer()
    state = serializers.CharField()
    state_label = serializers.CharField()
    suspended = serializers.BooleanField(help_text="An objection is being verified: its measures are not applied.")
    listing_unit = CodeNameSerializer()
    reasons = serializers.CharField()
    basis = serializers.CharField()
    decision_date = serializers.DateField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)


class MeasureDueSerializer(serializers.Serializer):
    measure = serializers.CharField()
    title = serializers.CharField()
    direction = serializers.CharField()
    mandatory = serializers.BooleanField()
    legal_basis = serializers.CharField()
    legal_basis_verified = serializers.BooleanField()
    target = serializers.CharField()
    entries = serializers.ListField(child=serializers.IntegerField())
    list_types = serializers.ListField(child=serializers.CharField())


class MeasuresDueSerializer(serializers.Serializer):
    mandatory = MeasureDueSerializer(many=True)
    recommended = MeasureDueSerializer(many=True)


class SubjectBriefSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()


class StatusAnswerSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    subject = SubjectBriefSerializer(allow_null=True)
    listed = serializers.BooleanField()
    entries = EntryStatusSerializer(many=True)
    measures = MeasuresDueSerializer()


class StatusCheckSerializer(StatusAnswerSerializer):
    as_of = serializers.DateField(allow_null=True)
    unit = CodeNameSerializer()


class ItemErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class BatchItemSerializer(serializers.Serializer):
    """One code of a batch: ``valid`` false with ``errors`` for a malformed code, else the answer."""

    input = serializers.CharField()
    valid = serializers.BooleanField()
    errors = ItemErrorSerializer(many=True, required=False)
    identifier = serializers.CharField(required=False)
    subject = SubjectBriefSerializer(allow_null=True, required=False)
    listed = serializers.BooleanField(required=False)
    entries = EntryStatusSerializer(many=True, required=False)
    measures = MeasuresDueSerializer(required=False)


class StatusBatchSerializer(serializers.Serializer):
    as_of = serializers.DateField(allow_null=True)
    unit = CodeNameSerializer()
    results = BatchItemSerializer(many=True)


class JsonFirstNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, answered at once for what checking systems send (``Accept`` absent,
    ``*/*`` or ``application/json``, no ``?format=``): the first renderer, JSON, as DRF would pick."""

    def select_renderer(self, request, renderers, format_suffix=None):
        accept = request._request.META.get("HTTP_ACCEPT", "*/*")
        if (format_suffix is None and accept in ("*/*", "application/json") and renderers[0].format == "json"
                and self.settings.URL_FORMAT_OVERRIDE not in request._request.GET):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)


def _query(serializer_class, data):
    query = serializer_class(data=data)
    query.is_valid(raise_exception=True)  # rendered as field errors by cases.api.errors
    return query.validated_data


_NO_QUERY = {"as_of": None, "unit": ""}  # what StatusQuerySerializer makes of no parameters


def _unit(unit):
    return {"code": unit.code, "name": unit.name}


def single_answer(*, user, code: str, unit, as_of, now_rows=None) -> dict:
    """The single check's answer in the documented shape (``StatusCheckSerializer``, kept for the
    schema and checked by the tests), for both views: the selector returns plain JSON-ready values,
    so the hottest path builds no serializer."""
    answer = selectors.subjects_status(user=user, codes=[code], unit=unit, as_of=as_of, now_rows=now_rows)[code]
    return {"identifier": code, "as_of": as_of, "unit": _unit(unit), **answer}


# --- views ------------------------------------------------------------------------------------

class StatusCheck(APIView):
    """应查必查: a subject's listed entries and the measures the caller's unit must apply.

    The hot path (issue 21 item 1, docs/performance.md): the token and the caller's unit come from
    one prepared statement, the subject, its entries and the catalogue's version from a second, the
    unit's measures from the per-process catalogue cache; no query parameters, no parsing of them.
    The common request is answered before this view by ``status_check`` below, in one statement."""

    permission_classes = [IsStaffReader]
    content_negotiation_class = JsonFirstNegotiation

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", OpenApiTypes.DATE,
                             description="YYYY-MM-DD: answer as of the end of that day (audits)"),
            OpenApiParameter("unit", str, description="auditors and the credit lead office: a unit they supervise"),
        ],
        responses=StatusCheckSerializer,
    )
    def get(self, request, identifier: str):
        params = request.query_params
        query = _query(StatusQuerySerializer, params) if params else _NO_QUERY
        code = selectors.parse_identifier(identifier)
        unit = selectors.status_unit(user=request.user, unit_code=query["unit"])
        return Response(single_answer(user=request.user, code=code, unit=unit, as_of=query["as_of"]))


# --- the lean single check --------------------------------------------------------------------
# What checking systems send nearly always (issue 21 item 1, docs/performance.md): GET with a
# token, JSON accepted, no parameter but ``as_of`` (a valid past day) and ``unit`` (the caller's own).
# Answered without DRF's request cycle (request wrapper, authentication and permission classes,
# negotiation, Response), from the token statement's row as plain values. Everything else, every
# error included, goes to ``StatusCheck`` unchanged: the errors, their codes and words have one author.

_LEAN_PARAMETERS = frozenset({"as_of", "unit"})
_LEAN_ACCEPT = frozenset({"*/*", "application/json"})  # what JsonFirstNegotiation answers at once
_TOKEN_KEYWORD = TokenAuthentication.keyword.lower().encode()
_renderer = JSONRenderer()  # the renderer DRF picks for these requests: the same bytes
# The token's holder and the subject now, in one prepared statement: one round trip per check.
_HOLDER_AND_SUBJECT_NOW = selectors.subject_now_statement("credit_status_check", ahead=HOLDER_AHEAD)
_full_view = StatusCheck.as_view()


def _drf_response_headers() -> tuple[list[str], dict[str, str]]:
    """The headers DRF's ``finalize_response`` gives every answer of ``StatusCheck`` (Vary: Accept,
    added to what is there; Allow), taken from the view itself, set up as ``as_view`` sets it up
    (which adds HEAD)."""
    view = StatusCheck()
    view.setup(None)
    headers = dict(view.default_response_headers)
    vary = headers.pop("Vary", "")
    return [v.strip() for v in vary.split(",") if v.strip()], headers


_DRF_VARY, _DRF_HEADERS = _drf_response_headers()


def _lean_as_of(value: str) -> dt.date | None:
    """``AsOfField``'s parse of a day that it accepts; None for anything it would refuse."""
    try:
        day = dt.datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    return day if day <= timezone.localdate() else None


def _lean_request(request, identifier: str):
    """(token holder, code, as_of, now_rows) when the lean view may answer this request itself, else
    None. Without ``as_of`` the holder and the subject's rows come from one statement (``now_rows``);
    the rows read for a token that may not ask are dropped unseen."""
    if request.method != "GET" or request.META.get("HTTP_ACCEPT", "*/*") not in _LEAN_ACCEPT:
        return None
    session_user = getattr(request, "user", None)  # DRF tries the session first, where there is one
    if session_user is not None and session_user.is_active:
        return None
    as_of, unit_code = None, ""
    for name, values in request.GET.lists():
        if name not in _LEAN_PARAMETERS or len(values) != 1:
            return None
        if name == "as_of":
            as_of = _lean_as_of(values[0])
            if as_of is None:
                return None
        else:
            unit_code = values[0]
    auth = get_authorization_header(request).split()
    if len(auth) != 2 or auth[0].lower() != _TOKEN_KEYWORD:
        return None
    try:
        key = auth[1].decode()
        code = selectors.parse_identifier(identifier)
    except (UnicodeError, ValidationFailed):
        return None
    now_rows = None
    if as_of is None and (using := prepared.alias_for(Subject)) == prepared.alias_for(Token):
        rows = prepared.run_first(_HOLDER_AND_SUBJECT_NOW, [key, code], using=using)
        holder = holder_from_row(rows[0]) if rows else None
        now_rows = [row[HOLDER_WIDTH:] for row in rows]
    else:
        holder = token_holder(key)
    if holder is None or not holder.is_active or holder.staff_id is None or holder.unit is None:
        return None
    if unit_code and unit_code != holder.unit.code:
        return None  # on behalf of another unit: the scope rule's business (status_unit)
    return holder, code, as_of, now_rows


@csrf_exempt  # as DRF's views are: a token is no cookie
def status_check(request, identifier: str):
    """``StatusCheck``'s answer to the common request, without DRF; anything else goes to it."""
    lean = _lean_request(request, identifier)
    if lean is None:
        return _full_view(request, identifier=identifier)
    holder, code, as_of, now_rows = lean
    data = single_answer(user=holder, code=code, unit=holder.unit, as_of=as_of, now_rows=now_rows)
    response = HttpResponse(_renderer.render(data, _renderer.media_type), content_type=_renderer.media_type)
    patch_vary_headers(response, _DRF_VARY)
    for name, value in _DRF_HEADERS.items():
        response[name] = value
    return response


# The URL's view for the schema generator (drf-spectacular reads ``cls`` and ``initkwargs`` off the
# callback, as DRF's ``as_view`` sets them): the contract is StatusCheck's, whichever view answers.
status_check.cls = StatusCheck
status_check.initkwargs = {}


class StatusBatch(APIView):
    """应查必查 for up to 1,000 codes (tender and grant screening); a malformed code is reported on
    its own item and does not fail the batch."""

    permission_classes = [IsStaffReader]
    content_negotiation_class = JsonFirstNegotiation

    # JSON: a form body of 1,000 codes is more fields than a form may carry (DATA_UPLOAD_MAX_NUMBER_FIELDS).
    @extend_schema(request={"application/json": StatusBatchRequestSerializer}, responses=StatusBatchSerializer)
    def post(self, request):
        data = _query(StatusBatchRequestSerializer, request.data)
        unit = selectors.status_unit(user=request.user, unit_code=data["unit"])
        parsed = []
        for raw in data["identifiers"]:
            try:
                parsed.append((raw, selectors.parse_identifier(raw), None))
            except ValidationFailed as err:
                parsed.append((raw, None, [{"code": c, "message": str(m)} for c, m in err.fields["identifier"]]))
        answers = selectors.subjects_status(
            user=request.user, codes=[code for _raw, code, _e in parsed if code], unit=unit, as_of=data["as_of"]
        )
        results = [
            {"input": raw, "valid": False, "errors": errors, "subject": None} if code is None
            else {"input": raw, "valid": True, "identifier": code, **answers[code]}
            for raw, code, errors in parsed
        ]
        return Response({"as_of": data["as_of"], "unit": _unit(unit), "results": results})
