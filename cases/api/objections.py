"""Objections over HTTP: the subject's portal (no account: case number + query code) and the
officers' side (record one from the counter, the platform window, an implementing unit or a
complaint; request a supplement; extend once; read). The acceptance, verification and approval
steps are tasks (/api/v1/tasks/)."""

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
from cases.errors import NotFound
from cases.identifiers import normalise
from cases.models import ListEntry, ObjectionCase
from cases.presentation import case_countdown, status_text
from cases.selectors.objections import objections_visible_to
from cases.services import intake
from cases.services import objections as services
from deadlines.countdown import CountdownClock

from .intake import (
    CASE_LIST_PARAMETERS, AttachmentSerializer, PublicCaseLetter, PublicCaseThrottle, PublicCaseView,
    SupplementRequestForm, case_letters, filter_case_list, uploaded,
)
from .permissions import IsStaff, require_responsible



class ObjectionSerializer(serializers.ModelSerializer):
    entry = serializers.IntegerField(source="entry_id")
    subject = serializers.CharField(source="subject.name")
    subject_identifier = serializers.CharField(source="subject.identifier")
    accepting_unit = serializers.CharField(source="accepting_unit.code")
    verifying_unit = serializers.CharField(source="verifying_unit.code")
    status_text = serializers.SerializerMethodField()

    class Meta:
        model = ObjectionCase
        fields = ["id", "number", "entry", "subject", "subject_identifier", "target", "channel", "state",
                  "status_text", "grounds", "applicant_name", "applicant_contact", "accepting_unit",
                  "verifying_unit", "filed_at", "acceptance_due", "supplement_request", "accepted_on",
                  "verification_received_on", "verification_due", "extension_reason", "outcome", "findings",
                  "corrections", "chase_up_count", "closed_at"]

    def get_status_text(self, case) -> str:
        return status_text(case)


class ObjectionDetailSerializer(ObjectionSerializer):
    deadlines = serializers.JSONField()
    attachments = serializers.SerializerMethodField()
    letters = serializers.SerializerMethodField()

    class Meta(ObjectionSerializer.Meta):
        fields = [*ObjectionSerializer.Meta.fields, "deadlines", "attachments", "letters"]

    def get_attachments(self, case) -> list:
        return AttachmentSerializer(intake.attachments_of(case), many=True).data

    def get_letters(self, case) -> list:
        return case_letters(case)


class PublicObjectionSerializer(serializers.ModelSerializer):
    """What the applicant sees: plain status, deadlines, letters; no officer-side detail."""

    status_text = serializers.SerializerMethodField()
    letters = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField(
        help_text="The running deadline's countdown.days_left (working days for a working-day rule).")
    countdown = serializers.SerializerMethodField()

    class Meta:
        model = ObjectionCase
        fields = ["number", "state", "status_text", "target", "filed_at", "acceptance_due", "supplement_request",
                  "verification_due", "days_left", "countdown", "outcome", "chase_up_count", "closed_at", "letters"]

    def get_status_text(self, case) -> str:
        return status_text(case)

    def _countdown(self, case):
        return case_countdown(case, self.context.setdefault("countdown_clock", CountdownClock()))

    def get_days_left(self, case) -> int | None:
        return self._countdown(case).days_left

    @extend_schema_field(CountdownSerializer)
    def get_countdown(self, case) -> dict:
        return countdown_data(self._countdown(case))

    def get_letters(self, case) -> list:
        return case_letters(case, public_path=f"/api/v1/public/objections/{case.number}", code=self.context.get("code"))


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
        entry = ListEntry.objects.select_related("subject", "listing_unit", "data_providing_unit").filter(
            pk=data["entry"], subject__identifier=normalise(data["subject"])).first()
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


def _filed(case, code):
    return Response({"number": case.number, "query_code": code, "state": case.state,
                     "acceptance_due": case.acceptance_due,
                     "message": str(_("Keep the case number and query code: you need both to follow the case."))},
                    status=status.HTTP_201_CREATED)


class FiledSerializer(serializers.Serializer):
    number = serializers.CharField()
    query_code = serializers.CharField()
    state = serializers.CharField()
    acceptance_due = serializers.DateField()
    message = serializers.CharField()


class PublicObjectionFile(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicCaseThrottle]
    parser_classes = [MultiPartParser, FormParser, ObjectJSONParser]

    @extend_schema(request=PublicFileForm, responses={201: FiledSerializer})
    def post(self, request):
        form = PublicFileForm(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        case, code = services.objection_file(
            channel=ObjectionCase.Channel.PORTAL, entry=data["entry"], grounds=data["grounds"],
            applicant_name=data["applicant_name"], applicant_contact=data["applicant_contact"],
            target=data["target"], files=uploaded(request))
        return _filed(case, code)


class PublicObjectionCase(PublicCaseView):
    model = ObjectionCase

    @extend_schema(parameters=[OpenApiParameter("code", str, required=True)], responses=PublicObjectionSerializer)
    def get(self, request, number: str):
        case, code = self._case(request, number)
        return Response(PublicObjectionSerializer(case, context={"code": code}).data)


class PublicObjectionAction(PublicObjectionCase):
    action = ""

    @extend_schema(request=OpenApiTypes.OBJECT, responses=PublicObjectionSerializer,
                   description="`code` (the query code) and, by action: `attachments` + `note` (supplement), "
                               "`note` (chase-up), `reason` (withdraw).")
    def post(self, request, number: str):
        case, code = self._case(request, number)
        if self.action == "supplement":
            services.objection_supplement(case=case, files=uploaded(request), note=request.data.get("note", ""))
        elif self.action == "chase-up":
            intake.chase_up(case, note=request.data.get("note", ""))
        elif self.action == "withdraw":
            services.objection_withdraw(case=case, reason=request.data.get("reason", ""))
        case.refresh_from_db()
        return Response(PublicObjectionSerializer(case, context={"code": code}).data)


class PublicObjectionLetter(PublicCaseLetter):
    model = ObjectionCase


# --- officers' side ------------------------------------------------------------------------------

class ObjectionListCreate(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = ObjectionSerializer
    queryset = ObjectionCase.objects.none()
    parser_classes = [MultiPartParser, FormParser, ObjectJSONParser]

    @extend_schema(operation_id="objections_list", parameters=CASE_LIST_PARAMETERS,
                   responses=ObjectionSerializer(many=True))
    def get(self, request):
        qs = filter_case_list(objections_visible_to(user=request.user).order_by("-id"), request.query_params)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=StaffFileForm)
    def post(self, request):
        form = StaffFileForm(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        case, code = services.objection_file(
            actor=request.user, channel=data["channel"], entry=data["entry"], grounds=data["grounds"],
            applicant_name=data["applicant_name"], applicant_contact=data["applicant_contact"],
            target=data["target"], files=uploaded(request))
        return _filed(case, code)


def _objection(request, pk) -> ObjectionCase:
    case = objections_visible_to(user=request.user).filter(pk=pk).first()
    if case is None:
        raise NotFound(code="objection_not_found")
    return case


def _objection_to_change(request, pk) -> ObjectionCase:
    """The case, then whether the user may act on it: 404 or 403 before the body is read."""
    case = _objection(request, pk)
    require_responsible(request.user, case, "objection")
    return case


class ObjectionDetail(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = ObjectionDetailSerializer

    def get(self, request, pk: int):
        return Response(self.get_serializer(_objection(request, pk)).data)


class ObjectionSupplementRequest(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = ObjectionDetailSerializer

    @extend_schema(request=SupplementRequestForm)
    def post(self, request, pk: int):
        case = _objection_to_change(request, pk)
        form = SupplementRequestForm(data=request.data)
        form.is_valid(raise_exception=True)
        services.objection_request_supplement(actor=request.user, case=case,
                                              materials=form.validated_data["materials"])
        return Response(self.get_serializer(_objection(request, pk)).data)


class ExtendForm(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=60)
    reason = serializers.CharField()


class ObjectionExtend(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = ObjectionDetailSerializer

    @extend_schema(request=ExtendForm)
    def post(self, request, pk: int):
        case = _objection_to_change(request, pk)
        form = ExtendForm(data=request.data)
        form.is_valid(raise_exception=True)
        services.objection_extend(actor=request.user, case=case, **form.validated_data)
        return Response(self.get_serializer(_objection(request, pk)).data)
