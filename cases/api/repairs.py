"""Credit repair over HTTP: the subject's portal (no account: case number + query code; "may I
apply, and from when?" before filing) and the officers' side (record an application at the
counter, request a supplement, extend once, revoke a repair for false material, read, figures).
The acceptance, review, verification of performance and decision steps are tasks (/api/v1/tasks/)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.countdown import CountdownSerializer, countdown_data
from cases.api.parsers import ObjectJSONParser
from cases.errors import NotFound, ValidationFailed
from cases.identifiers import normalise
from cases.models import ListEntry, RepairCase
from cases.presentation import case_countdown, status_text
from cases.selectors.repairs import repair_figures, repairs_visible_to
from cases.services import intake
from cases.services import repairs as services
from cases.services.repair_eligibility import repair_eligibility
from deadlines.countdown import CountdownClock

from .intake import (
    CASE_LIST_PARAMETERS, AttachmentSerializer, PublicCaseLetter, PublicCaseThrottle, PublicCaseView,
    SupplementRequestForm, case_letters, filter_case_list, uploaded,
)
from .permissions import IsStaff, require_responsible
from .serializers import QuerySerializer


class RepairSerializer(serializers.ModelSerializer):
    entry = serializers.IntegerField(source="entry_id")
    list_type = serializers.CharField(source="entry.list_type.code")
    subject = serializers.CharField(source="subject.name")
    subject_identifier = serializers.CharField(source="subject.identifier")
    deciding_unit = serializers.CharField(source="deciding_unit.code")
    verification_unit = serializers.CharField(source="verification_unit.code", default=None)
    # Plain strings in the schema: the choices are documented on the model (no enum name clashes).
    state = serializers.CharField(read_only=True)
    channel = serializers.CharField(read_only=True)
    proposal = serializers.CharField(read_only=True)
    outcome = serializers.CharField(read_only=True)
    status_text = serializers.SerializerMethodField()

    class Meta:
        model = RepairCase
        fields = ["id", "number", "entry", "list_type", "subject", "subject_identifier", "channel", "state",
                  "status_text", "performance", "applicant_name", "applicant_contact", "deciding_unit", "filed_at",
                  "acceptance_due", "supplement_request", "accepted_on", "decision_due", "extension_reason",
                  "verification_unit", "verification_request", "verification_performed", "verification_findings",
                  "proposal", "proposal_findings", "outcome", "decision_reasons", "earliest_reapply_on",
                  "decided_on", "chase_up_count", "closed_at", "revocation_reason", "revoked_at"]

    def get_status_text(self, case) -> str:
        return status_text(case)


class RepairDetailSerializer(RepairSerializer):
    deadlines = serializers.JSONField()
    eligibility = serializers.JSONField()
    attachments = serializers.SerializerMethodField()
    letters = serializers.SerializerMethodField()
    lifts = serializers.SerializerMethodField()
    lifts_not_confirmed = serializers.SerializerMethodField()

    class Meta(RepairSerializer.Meta):
        fields = [*RepairSerializer.Meta.fields, "deadlines", "eligibility", "attachments", "letters", "lifts",
                  "lifts_not_confirmed"]

    def get_attachments(self, case) -> list:
        return AttachmentSerializer(intake.attachments_of(case), many=True).data

    def get_letters(self, case) -> list:
        return case_letters(case)

    def get_lifts(self, case) -> list:
        return services.lifts_of(case)

    def get_lifts_not_confirmed(self, case) -> list:
        """The implementing units that have not yet confirmed the lift of their measure."""
        return sorted({row["unit"] for row in services.lifts_of(case) if row["state"] == "LIFT_PENDING"})


class PublicRepairSerializer(serializers.ModelSerializer):
    """What the applicant sees: plain status, deadlines, letters; no officer-side detail."""

    state = serializers.CharField(read_only=True)
    outcome = serializers.CharField(read_only=True)
    status_text = serializers.SerializerMethodField()
    letters = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField(
        help_text="The running deadline's countdown.days_left (working days for a working-day rule).")
    countdown = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = RepairCase
        fields = ["number", "state", "status_text", "filed_at", "acceptance_due", "supplement_request",
                  "decision_due", "extension_reason", "days_left", "countdown", "outcome", "decision_reasons",
                  "earliest_reapply_on", "chase_up_count", "closed_at", "attachments", "letters"]

    def get_status_text(self, case) -> str:
        return status_text(case)

    def _countdown(self, case):
        return case_countdown(case, self.context.setdefault("countdown_clock", CountdownClock()))

    def get_days_left(self, case) -> int | None:
        return self._countdown(case).days_left

    @extend_schema_field(CountdownSerializer)
    def get_countdown(self, case) -> dict:
        return countdown_data(self._countdown(case))

    def get_attachments(self, case) -> list:
        return [{"name": a.original_name, "kind": a.kind, "sha256": a.sha256} for a in intake.attachments_of(case)]

    def get_letters(self, case) -> list:
        return case_letters(case, public_path=f"/api/v1/public/repairs/{case.number}", code=self.context.get("code"))


class RepairFileForm(serializers.Serializer):
    performance = serializers.CharField(label=_("how the conduct was corrected and the obligations performed"))
    applicant_name = serializers.CharField(label=_("applicant"), max_length=128)
    applicant_contact = serializers.CharField(label=_("contact"), max_length=128)
    proof = serializers.ListField(child=serializers.FileField(), required=False, allow_empty=True)
    commitment = serializers.ListField(child=serializers.FileField(), required=False, allow_empty=True)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, allow_empty=True)


def _entry_of(subject_code: str, entry_id) -> ListEntry:
    entry = ListEntry.objects.select_related("subject", "list_type", "listing_unit").filter(
        pk=entry_id, subject__identifier=normalise(subject_code or "")).first()
    if entry is None:
        raise ValidationFailed(fields={"entry": [("entry_not_found", _("No list entry of this subject has this number."))]})
    return entry


class RepairPublicFileForm(RepairFileForm):
    subject = serializers.CharField(label=_("subject code"))
    entry = serializers.IntegerField(label=_("list entry"))


class RepairStaffFileForm(RepairFileForm):
    entry = serializers.PrimaryKeyRelatedField(queryset=ListEntry.objects.all(), label=_("list entry"))
    channel = serializers.ChoiceField(choices=[(c, label) for c, label in RepairCase.Channel.choices
                                               if c in ("COUNTER", "PLATFORM")])


def _filed(case, code):
    return Response({"number": case.number, "query_code": code, "state": case.state,
                     "acceptance_due": case.acceptance_due, "decision_due": case.decision_due,
                     "message": str(_("Keep the case number and query code: you need both to follow the case."))},
                    status=status.HTTP_201_CREATED)


class RepairEligibilityQuery(QuerySerializer):
    subject = serializers.CharField(label=_("subject code"))
    entry = serializers.IntegerField(label=_("list entry"))


class PublicRepairEligibility(APIView):
    """May I apply for credit repair, and from when? Each condition with the rule it comes from."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicCaseThrottle]

    @extend_schema(parameters=[OpenApiParameter("subject", str, required=True, pattern=r"\S"),
                               OpenApiParameter("entry", int, required=True)],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request):
        query = RepairEligibilityQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        entry = _entry_of(query.validated_data["subject"], query.validated_data["entry"])
        return Response(repair_eligibility(entry=entry).as_dict())


class PublicRepairFile(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicCaseThrottle]
    parser_classes = [MultiPartParser, FormParser, ObjectJSONParser]

    @extend_schema(request=RepairPublicFileForm, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        form = RepairPublicFileForm(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        case, code = services.repair_file(
            channel=RepairCase.Channel.PORTAL, entry=_entry_of(data["subject"], data["entry"]),
            performance=data["performance"], applicant_name=data["applicant_name"],
            applicant_contact=data["applicant_contact"], proof=uploaded(request, "proof"),
            commitment=uploaded(request, "commitment"), files=uploaded(request, "attachments"))
        return _filed(case, code)


class PublicRepairCase(PublicCaseView):
    model = RepairCase

    @extend_schema(parameters=[OpenApiParameter("code", str)], responses=PublicRepairSerializer)
    def get(self, request, number: str):
        case, code = self._case(request, number)
        return Response(PublicRepairSerializer(case, context={"code": code}).data)


class PublicRepairAction(PublicRepairCase):
    action = ""

    @extend_schema(request=OpenApiTypes.OBJECT, responses=PublicRepairSerializer)
    def post(self, request, number: str):
        case, code = self._case(request, number)
        if self.action == "material":
            services.repair_submit_material(case=case, proof=uploaded(request, "proof"),
                                            commitment=uploaded(request, "commitment"),
                                            files=uploaded(request, "attachments"), note=request.data.get("note", ""))
        elif self.action == "chase-up":
            intake.chase_up(case, note=request.data.get("note", ""))
        elif self.action == "withdraw":
            services.repair_withdraw(case=case, reason=request.data.get("reason", ""))
        case.refresh_from_db()
        return Response(PublicRepairSerializer(case, context={"code": code}).data)


class PublicRepairLetter(PublicCaseLetter):
    model = RepairCase


# --- officers' side ------------------------------------------------------------------------------

class RepairListCreate(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = RepairSerializer
    queryset = RepairCase.objects.none()
    parser_classes = [MultiPartParser, FormParser, ObjectJSONParser]

    @extend_schema(operation_id="v1_repairs_list", parameters=CASE_LIST_PARAMETERS,
                   responses=RepairSerializer(many=True))
    def get(self, request):
        qs = filter_case_list(repairs_visible_to(user=request.user).order_by("-id"), request.query_params)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=RepairStaffFileForm, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        form = RepairStaffFileForm(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        case, code = services.repair_file(
            actor=request.user, channel=data["channel"], entry=data["entry"], performance=data["performance"],
            applicant_name=data["applicant_name"], applicant_contact=data["applicant_contact"],
            proof=uploaded(request, "proof"), commitment=uploaded(request, "commitment"),
            files=uploaded(request, "attachments"))
        return _filed(case, code)


def _repair(request, pk) -> RepairCase:
    case = repairs_visible_to(user=request.user).filter(pk=pk).first()
    if case is None:
        raise NotFound(code="repair_not_found")
    return case


def _repair_to_change(request, pk) -> RepairCase:
    """The case, then whether the user may act on it: 404 or 403 before the body is read."""
    case = _repair(request, pk)
    require_responsible(request.user, case, "repair")
    return case


class RepairDetail(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = RepairDetailSerializer

    def get(self, request, pk: int):
        return Response(self.get_serializer(_repair(request, pk)).data)


class RepairSupplementRequest(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = RepairDetailSerializer

    @extend_schema(request=SupplementRequestForm)
    def post(self, request, pk: int):
        case = _repair_to_change(request, pk)
        form = SupplementRequestForm(data=request.data)
        form.is_valid(raise_exception=True)
        services.repair_request_supplement(actor=request.user, case=case,
                                           materials=form.validated_data["materials"])
        return Response(self.get_serializer(_repair(request, pk)).data)


class RepairExtendForm(serializers.Serializer):
    days = serializers.IntegerField(min_value=1)
    reason = serializers.CharField()


class RepairExtend(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = RepairDetailSerializer

    @extend_schema(request=RepairExtendForm)
    def post(self, request, pk: int):
        case = _repair_to_change(request, pk)
        form = RepairExtendForm(data=request.data)
        form.is_valid(raise_exception=True)
        services.repair_extend(actor=request.user, case=case, **form.validated_data)
        return Response(self.get_serializer(_repair(request, pk)).data)


class RepairRevokeForm(serializers.Serializer):
    reason = serializers.CharField()


class RepairRevoke(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = RepairDetailSerializer

    @extend_schema(request=RepairRevokeForm)
    def post(self, request, pk: int):
        case = _repair_to_change(request, pk)
        form = RepairRevokeForm(data=request.data)
        form.is_valid(raise_exception=True)
        services.repair_revoke(actor=request.user, case=case, reason=form.validated_data["reason"])
        return Response(self.get_serializer(_repair(request, pk)).data)


class RepairFiguresQuery(QuerySerializer):
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)


class RepairFigures(APIView):
    """Oversight figures per unit and month: applications, acceptance rate, median working days to
    decision, late cases (scoped like the cases themselves)."""

    permission_classes = [IsStaff]

    @extend_schema(parameters=[RepairFiguresQuery], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        query = RepairFiguresQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response({"results": repair_figures(user=request.user, **query.validated_data)})
