"""GET /api/v1/deadlines/?rule=<case type>/<step>&start=<date>[&regime=…][&pause=<start>..<end>]:
the due date a procedure rule gives for any trigger date, with how it was computed (officers and
integrators plan with it; the portal can say "if accepted today, the verification is due on …").

A read of the rules and the calendar only: nothing is stored, nobody needs to sign in.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.intake import PublicCaseThrottle
from cases.errors import ValidationFailed
from deadlines.calendar import DeadlineInputError, Pause
from deadlines.models import ProcedureRule
from deadlines.rules import ProcedureRuleMissing, compute_for_rule, find_rule


# A calendar day (29 February aside, which only some years have).
DAY = r"[1-9][0-9]{3}-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)"
PAUSE_PATTERN = rf"^{DAY}\.\.({DAY})?$"
# The case types are the schema's too: a rule naming another type is invalid input, not a miss.
RULE_PATTERN = rf"^({'|'.join(ProcedureRule.CaseType.values)})/[a-z0-9_-]{{1,64}}$"


class DeadlineQuery(serializers.Serializer):
    rule = serializers.RegexField(r"^[A-Z_]{1,16}/[a-z0-9_-]{1,64}$", label=_("rule"),
                                  error_messages={"invalid": _("Write the rule as CASE_TYPE/step, e.g. OBJECTION/verification.")})
    start = serializers.DateField(label=_("trigger date"))
    regime = serializers.CharField(required=False, allow_blank=True, max_length=48, label=_("regime"))

    def validate_rule(self, value):
        case_type, step = value.split("/", 1)
        if case_type not in ProcedureRule.CaseType.values:
            raise serializers.ValidationError(_("Unknown case type."), code="unknown_case_type")
        return case_type, step


def _pauses(raw_values) -> list[Pause]:
    pauses = []
    for raw in raw_values:
        first, _sep, last = raw.partition("..")
        try:
            pauses.append(Pause(dt.date.fromisoformat(first), dt.date.fromisoformat(last) if last else None))
        except (ValueError, DeadlineInputError):
            raise ValidationFailed(fields={"pause": [("invalid", _("Write a pause as YYYY-MM-DD..YYYY-MM-DD "
                                                               "(the end empty while it lasts)."))]}) from None
    return pauses


class DeadlinePlan(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicCaseThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter("rule", str, required=True, description="CASE_TYPE/step, e.g. OBJECTION/verification",
                             pattern=RULE_PATTERN),
            OpenApiParameter("start", OpenApiTypes.DATE, required=True, description="the trigger date"),
            OpenApiParameter("regime", str, description="a list type code or region code with its own rule",
                             pattern=r"^.{0,48}$"),
            OpenApiParameter("pause", str, many=True, description="YYYY-MM-DD..YYYY-MM-DD, repeatable",
                             pattern=PAUSE_PATTERN),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        query = DeadlineQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        (case_type, step), start = query.validated_data["rule"], query.validated_data["start"]
        regimes = tuple(r for r in (query.validated_data.get("regime"), ProcedureRule.DEFAULT_REGIME) if r)
        try:
            rule = find_rule(case_type, step, regime_candidates=regimes, on_date=start)
        except ProcedureRuleMissing as missing:  # here the question names the rule: the caller's error
            raise ValidationFailed(fields={"rule": [(missing.code, missing.message)]}) from None
        try:
            computation = compute_for_rule(rule, start=start, pauses=_pauses(request.query_params.getlist("pause")))
        except DeadlineInputError as exc:  # well formed, but not a pause of this deadline (e.g. out of order)
            raise ValidationFailed(fields={"pause": [("invalid_pause", str(exc))]}) from None
        return Response({
            "rule": f"{case_type}/{step}", "description": rule.description, "basis": rule.basis,
            "start": start, "due": computation.due, "provisional": computation.provisional,
            "computation": computation.as_dict(),
        })
