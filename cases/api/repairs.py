"""Credit repair over HTTP: the subject's portal (no account: case number + query code; "may I
apply, and from when?" before filing) and the officers' side (record an application at the
counter, request a supplement, extend once, revoke a repair for false material, read, figures).
The acceptance, review, verification of performance and decision steps are tasks (/api/v1/tasks/)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.errors import ValidationFailed
from cases.models import ListEntry, RepairCase
from cases.selectors.portal_entries import entry_of_subject
from cases.selectors.repairs import repair_figures, repairs_visible_to
from cases.services import intake
from cases.services import repairs as services
from cases.services.repair_eligibility import repair_eligibility

from . import intake as shared
from .permissions import IsStaff
from .serializers import QuerySerializer


class RepairSerializer(shared.CaseSerializer):
    list_type = serializers.CharField(source="entry.list_type.code")
    deciding_unit = serializers.CharField(source="deciding_unit.code")
    verification_unit = serializers.CharField(source="verification_unit.code", default=None)
    # Plain strings in the schema: the choices are documented on the model (no enum name clashes).
    state = serializers.CharField(read_only=True)
    channel = serializers.CharField(read_only=True)
    proposal = serializers.CharField(read_only=True)
    outcome = serializers.CharField(read_only=True)

    class Meta:
        model = RepairCase
        fields = ["id", "number", "entry", "list_type", "subject", "subject_identifier", "channel", "state",
                  "status_text", "performance", "applicant_name", "applicant_contact", "deciding_unit", "filed_at",
                  "acceptance_due", "supplement_request", "accepted_on", "decision_due", "extension_reason",
                  "verification_unit", "verification_request", "verification_performed", "verification_findings",
                  "proposal", "proposal_findings", "outcome", "decision_reasons", "earliest_reapply_on",
                  "decided_on", "chase_up_count", "closed_at", "revocation_reason", "revoked_at"]


class RepairDetailSerializer(RepairSerializer, shared.CaseDetailSerializer):
    eligibility = serializers.JSONField()
    lifts = serializers.SerializerMethodField()
    lifts_not_confirmed = serializers.SerializerMethodField()

    class Meta(RepairSerializer.Meta):
        fields = [*RepairSerializer.Meta.fields, "deadlines", "eligibility", "attachments", "letters", "lifts",
                  "lifts_not_confirmed"]

    def get_lifts(self, case) -> list:
        return services.lifts_of(case)

    def get_lifts_not_confirmed(self, case) -> list:
        """The implementing units that have not yet confirmed the lift of their measure."""
        return sorted({row["unit"] for row in services.lifts_of(case) if row["state"] == "LIFT_PENDING"})


class PublicRepairSerializer(shared.PublicCaseSerializer):
    """What the applicant sees: plain status, deadlines, letters; no officer-side detail."""

    public_path = "/api/v1/public/repairs"
    state = serializers.CharField(read_only=True)
    outcome = serializers.CharField(read_only=True)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = RepairCase
        fields = ["number", "state", "status_text", "filed_at", "acceptance_due", "supplement_request",
                  "decision_due", "extension_reason", "days_left", "countdown", "outcome", "decision_reasons",
                  "earliest_reapply_on", "chase_up_count", "closed_at", "attachments", "letters"]

    def get_attachments(self, case) -> list:
        return [{"name": a.original_name, "kind": a.kind, "sha256": a.sha256} for a in intake.attachments_of(case)]


class RepairFileForm(serializers.Serializer):
    performance = serializers.CharField(label=_("how the conduct was corrected and the obligations performed"))
    applicant_name = serializers.CharField(label=_("applicant"), max_length=128)
    applicant_contact = serializers.CharField(label=_("contact"), max_length=128)
    proof = serializers.ListField(child=serializers.FileField(), required=False, allow_empty=True)
    commitment = serializers.ListField(child=serializers.FileField(), required=False, allow_empty=True)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, allow_empty=True)


def _entry_of(subject_code: str, entry_id) -> ListEntry:
    entry = entry_of_subject(subject_code=subject_code, entry_id=entry_id)
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


class RepairEligibilityQuery(QuerySerializer):
    subject = serializers.CharField(label=_("subject code"))
    entry = serializers.IntegerField(label=_("list entry"))


class PublicRepairEligibility(shared.PublicFilingView):
    """May I apply for credit repair, and from when? Each condition with the rule it comes from."""

    @extend_schema(parameters=[OpenApiParameter("subject", str, required=True, pattern=r"\S"),
                               OpenApiParameter("entry", int, required=True)],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request):
        query = RepairEligibilityQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        entry = _entry_of(query.validated_data["subject"], query.validated_data["entry"])
        return Response(repair_eligibility(entry=entry).as_dict())


class PublicRepairFile(shared.PublicFilingView):
    @extend_schema(request=RepairPublicFileForm, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        data = shared.form_data(RepairPublicFileForm, request.data)
        case, code = services.repair_file(
            channel=RepairCase.Channel.PORTAL, entry=_entry_of(data["subject"], data["entry"]),
            performance=data["performance"], applicant_name=data["applicant_name"],
            applicant_contact=data["applicant_contact"], proof=shared.uploaded(request, "proof"),
            commitment=shared.uploaded(request, "commitment"), files=shared.uploaded(request, "attachments"))
        return shared.filed_response(case, code, decision_due=case.decision_due)


@extend_schema_view(get=extend_schema(parameters=[OpenApiParameter("code", str)],
                                     responses=PublicRepairSerializer))
class PublicRepairCase(shared.PublicCaseView):
    model = RepairCase
    public_serializer = PublicRepairSerializer


class PublicRepairLetter(shared.PublicCaseLetter):
    model = RepairCase


class PublicRepairAction(PublicRepairCase, shared.PublicCaseAction):
    material_action = "material"
    withdraw_service = staticmethod(services.repair_withdraw)

    @extend_schema(request=OpenApiTypes.OBJECT, responses=PublicRepairSerializer)
    def post(self, request, number: str):
        return self.act(request, number, material=lambda case: services.repair_submit_material(
            case=case, proof=shared.uploaded(request, "proof"), commitment=shared.uploaded(request, "commitment"),
            files=shared.uploaded(request, "attachments"), note=request.data.get("note", "")))


# --- officers' side ------------------------------------------------------------------------------

class RepairView(shared.StaffCaseView):
    serializer_class = RepairDetailSerializer
    kind, not_found = "repair", "repair_not_found"
    visible = staticmethod(repairs_visible_to)
    request_supplement = staticmethod(services.repair_request_supplement)


@extend_schema_view(get=extend_schema(operation_id="v1_repairs_list", parameters=shared.CASE_LIST_PARAMETERS,
                                     responses=RepairSerializer(many=True)))
class RepairListCreate(RepairView, shared.StaffCaseList):
    queryset = RepairCase.objects.none()
    serializer_class = RepairSerializer

    @extend_schema(request=RepairStaffFileForm, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        data = shared.form_data(RepairStaffFileForm, request.data)
        case, code = services.repair_file(
            actor=request.user, channel=data["channel"], entry=data["entry"], performance=data["performance"],
            applicant_name=data["applicant_name"], applicant_contact=data["applicant_contact"],
            proof=shared.uploaded(request, "proof"), commitment=shared.uploaded(request, "commitment"),
            files=shared.uploaded(request, "attachments"))
        return shared.filed_response(case, code, decision_due=case.decision_due)


class RepairDetail(RepairView, shared.StaffCaseDetail):
    pass


class RepairSupplementRequest(RepairView, shared.StaffCaseSupplementRequest):
    pass


class RepairExtendForm(serializers.Serializer):
    days = serializers.IntegerField(min_value=1)
    reason = serializers.CharField()


class RepairExtend(RepairView):
    @extend_schema(request=RepairExtendForm)
    def post(self, request, pk: int):
        return self.act(pk, RepairExtendForm, services.repair_extend)


class RepairRevokeForm(serializers.Serializer):
    reason = serializers.CharField()


class RepairRevoke(RepairView):
    @extend_schema(request=RepairRevokeForm)
    def post(self, request, pk: int):
        return self.act(pk, RepairRevokeForm, services.repair_revoke)


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
