"""Objections over HTTP: the subject's portal (no account: case number + query code) and the
officers' side (record one from the counter, the platform window, an implementing unit or a
complaint; request a supplement; extend once; read). The acceptance, verification and approval
steps are tasks (/api/v1/tasks/)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from cases.models import ListEntry, ObjectionCase
from cases.selectors.objections import objections_visible_to
from cases.selectors.portal_entries import entry_of_subject
from cases.services import objections as services

from . import intake as shared


class ObjectionSerializer(shared.CaseSerializer):
    accepting_unit = serializers.CharField(source="accepting_unit.code")
    verifying_unit = serializers.CharField(source="verifying_unit.code")

    class Meta:
        model = ObjectionCase
        fields = ["id", "number", "entry", "subject", "subject_identifier", "target", "channel", "state",
                  "status_text", "grounds", "applicant_name", "applicant_contact", "accepting_unit",
                  "verifying_unit", "filed_at", "acceptance_due", "supplement_request", "accepted_on",
                  "verification_received_on", "verification_due", "extension_reason", "outcome", "findings",
                  "corrections", "chase_up_count", "closed_at"]


class ObjectionDetailSerializer(ObjectionSerializer, shared.CaseDetailSerializer):
    class Meta(ObjectionSerializer.Meta):
        fields = [*ObjectionSerializer.Meta.fields, "deadlines", "attachments", "letters"]


class PublicObjectionSerializer(shared.PublicCaseSerializer):
    """What the applicant sees: plain status, deadlines, letters; no officer-side detail."""

    public_path = "/api/v1/public/objections"

    class Meta:
        model = ObjectionCase
        fields = ["number", "state", "status_text", "target", "filed_at", "acceptance_due", "supplement_request",
                  "verification_due", "days_left", "countdown", "outcome", "chase_up_count", "closed_at", "letters"]


class FileForm(serializers.Serializer):
    grounds = serializers.CharField(label=_("grounds"))
    applicant_name = serializers.CharField(label=_("applicant"), max_length=128)
    applicant_contact = serializers.CharField(label=_("contact"), max_length=128)
    target = serializers.ChoiceField(choices=ObjectionCase.Target.choices, default=ObjectionCase.Target.CONTENT,
                                     label=_("objection to"))
    attachments = serializers.ListField(child=serializers.FileField(), required=False, allow_empty=True)


class PublicFileForm(FileForm):
    subject = serializers.CharField(label=_("subject code"))
    entry = serializers.IntegerField(label=_("list entry"))

    def validate(self, data):
        entry = entry_of_subject(subject_code=data["subject"], entry_id=data["entry"])
        if entry is None:
            raise serializers.ValidationError({"entry": _("No list entry of this subject has this number.")},
                                              code="entry_not_found")
        data["entry"] = entry
        return data


class StaffFileForm(FileForm):
    entry = serializers.PrimaryKeyRelatedField(queryset=ListEntry.objects.all(), label=_("list entry"))
    # The portal is the subject's own channel: not among an officer's choices (nor in the schema).
    channel = serializers.ChoiceField(choices=[(c, label) for c, label in ObjectionCase.Channel.choices
                                               if c != ObjectionCase.Channel.PORTAL])

    def validate_channel(self, value):
        if value == ObjectionCase.Channel.PORTAL:
            raise serializers.ValidationError(_("Portal objections are filed by the subject on the portal."))
        return value


class ExtendForm(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=60)
    reason = serializers.CharField()


class FiledSerializer(serializers.Serializer):
    number = serializers.CharField()
    query_code = serializers.CharField()
    state = serializers.CharField()
    acceptance_due = serializers.DateField()
    message = serializers.CharField()


class PublicObjectionFile(shared.PublicFilingView):
    @extend_schema(request=PublicFileForm, responses={201: FiledSerializer})
    def post(self, request):
        data = shared.form_data(PublicFileForm, request.data)
        case, code = services.objection_file(
            channel=ObjectionCase.Channel.PORTAL, entry=data["entry"], grounds=data["grounds"],
            applicant_name=data["applicant_name"], applicant_contact=data["applicant_contact"],
            target=data["target"], files=shared.uploaded(request))
        return shared.filed_response(case, code)


@extend_schema_view(get=extend_schema(parameters=[OpenApiParameter("code", str, required=True)],
                                     responses=PublicObjectionSerializer))
class PublicObjectionCase(shared.PublicCaseView):
    model = ObjectionCase
    public_serializer = PublicObjectionSerializer


class PublicObjectionAction(PublicObjectionCase, shared.PublicCaseAction):
    material_action = "supplement"
    withdraw_service = staticmethod(services.objection_withdraw)

    @extend_schema(request=OpenApiTypes.OBJECT, responses=PublicObjectionSerializer,
                   description="`code` (the query code) and, by action: `attachments` + `note` (supplement), "
                               "`note` (chase-up), `reason` (withdraw).")
    def post(self, request, number: str):
        return self.act(request, number, material=lambda case: services.objection_supplement(
            case=case, files=shared.uploaded(request), note=request.data.get("note", "")))


class PublicObjectionLetter(shared.PublicCaseLetter):
    model = ObjectionCase


# --- officers' side ------------------------------------------------------------------------------

class ObjectionView(shared.StaffCaseView):
    visible = staticmethod(objections_visible_to)
    request_supplement = staticmethod(services.objection_request_supplement)
    kind, not_found = "objection", "objection_not_found"
    serializer_class = ObjectionDetailSerializer


@extend_schema_view(get=extend_schema(operation_id="objections_list", parameters=shared.CASE_LIST_PARAMETERS,
                                     responses=ObjectionSerializer(many=True)))
class ObjectionListCreate(ObjectionView, shared.StaffCaseList):
    serializer_class = ObjectionSerializer
    queryset = ObjectionCase.objects.none()

    @extend_schema(request=StaffFileForm)
    def post(self, request):
        data = shared.form_data(StaffFileForm, request.data)
        case, code = services.objection_file(
            actor=request.user, channel=data["channel"], entry=data["entry"], grounds=data["grounds"],
            applicant_name=data["applicant_name"], applicant_contact=data["applicant_contact"],
            target=data["target"], files=shared.uploaded(request))
        return shared.filed_response(case, code)


class ObjectionDetail(ObjectionView, shared.StaffCaseDetail):
    pass


class ObjectionSupplementRequest(ObjectionView, shared.StaffCaseSupplementRequest):
    pass


class ObjectionExtend(ObjectionView):
    @extend_schema(request=ExtendForm)
    def post(self, request, pk: int):
        return self.act(pk, ExtendForm, services.objection_extend)
