"""List entries and measure executions over HTTP. The steps of the listing and of the measures
loop are completed as tasks (/api/v1/tasks/); these endpoints draft an entry, read entries and
executions in the caller's scope, and carry the decisions that are not a queue step
(withdraw, remove by decision, correct)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from cases.errors import NotFound, ValidationFailed
from cases.identifiers import normalise
from cases.models import ListEntry, ListType, MeasureExecution, Subject, Unit
from cases.selectors import entries as selectors
from cases.services import entries as services

from .permissions import IsStaff


class ExecutionSerializer(serializers.ModelSerializer):
    measure = serializers.CharField(source="measure.code")
    measure_title = serializers.CharField(source="measure.title")
    mandatory = serializers.BooleanField(source="measure.mandatory")
    unit = serializers.CharField(source="unit.code")

    class Meta:
        model = MeasureExecution
        fields = ["id", "entry", "measure", "measure_title", "mandatory", "unit", "state", "acknowledged_at",
                  "applied_at", "applied_note", "not_applied_reason", "first_applied_at", "feedback_reported_at",
                  "lifted_at", "created_at"]


class EntrySerializer(serializers.ModelSerializer):
    list_type = serializers.CharField(source="list_type.code")
    list_type_name = serializers.CharField(source="list_type.name")
    list_kind = serializers.CharField(source="list_type.kind")
    subject = serializers.SerializerMethodField()
    listing_unit = serializers.CharField(source="listing_unit.code")
    data_providing_unit = serializers.CharField(source="data_providing_unit.code")

    class Meta:
        model = ListEntry
        fields = ["id", "list_type", "list_type_name", "list_kind", "subject", "listing_unit", "data_providing_unit",
                  "state", "facts", "reasons", "basis", "statement", "statement_due", "decision_date",
                  "publication_due", "published_at", "valid_until", "removal_reason", "removed_at", "created_at"]

    def get_subject(self, entry) -> dict:
        return {"name": entry.subject.name, "identifier": entry.subject.identifier, "kind": entry.subject.kind}


class EntryDetailSerializer(EntrySerializer):
    executions = serializers.SerializerMethodField()
    tasks = serializers.SerializerMethodField()

    class Meta(EntrySerializer.Meta):
        fields = [*EntrySerializer.Meta.fields, "deadlines", "executions", "tasks"]

    def get_executions(self, entry) -> list:
        user = self.context["request"].user
        return ExecutionSerializer(selectors.executions_visible_to(user=user, entry=entry).order_by("id"), many=True).data

    def get_tasks(self, entry) -> list:
        from workflow.selectors import tasks_of_case

        return [
            {"id": t.pk, "step": t.work.step, "unit": t.work.unit.code, "status": t.status, "due": t.work.due,
             "owner": t.owner.username if t.owner_id else None}
            for t in tasks_of_case(case=entry)
        ]


class DraftForm(serializers.Serializer):
    list_type = serializers.SlugRelatedField(slug_field="code", queryset=ListType.objects.filter(is_active=True),
                                             label=_("list type"))
    subject = serializers.CharField(label=_("subject"), help_text=_("USCC or resident ID number of a registered subject."))
    facts = serializers.CharField(label=_("facts"))
    reasons = serializers.CharField(label=_("reasons"))
    basis = serializers.CharField(required=False, allow_blank=True, label=_("basis"))
    data_providing_unit = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.filter(is_active=True),
                                                       required=False, label=_("data-providing unit"))

    def validate_subject(self, value):
        subject = Subject.objects.filter(identifier=normalise(value)).first()
        if subject is None:
            raise serializers.ValidationError(_("No registered subject has this code."), code="subject_not_found")
        return subject


class EntryListCreate(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = EntrySerializer
    queryset = ListEntry.objects.none()

    @extend_schema(operation_id="entries_list", responses=EntrySerializer(many=True))
    def get(self, request):
        qs = selectors.entries_visible_to(user=request.user).order_by("-id")
        state = request.query_params.get("state")
        if state:
            qs = qs.filter(state=state)
        subject = request.query_params.get("subject")
        if subject:
            qs = qs.filter(subject__identifier=normalise(subject))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=DraftForm, responses={201: EntryDetailSerializer})
    def post(self, request):
        form = DraftForm(data=request.data)
        form.is_valid(raise_exception=True)
        entry = services.entry_draft(actor=request.user, **form.validated_data)
        return Response(EntryDetailSerializer(entry, context={"request": request}).data, status=status.HTTP_201_CREATED)


def _entry(request, pk) -> ListEntry:
    entry = selectors.entry_for(user=request.user, pk=pk)
    if entry is None:
        raise NotFound(code="entry_not_found")
    return entry


def _detail(request, pk):
    return Response(EntryDetailSerializer(_entry(request, pk), context={"request": request}).data)


class EntryDetail(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = EntryDetailSerializer

    def get(self, request, pk: int):
        return _detail(request, pk)


class ReasonForm(serializers.Serializer):
    reason = serializers.CharField(label=_("reason"))


class EntryWithdraw(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = EntryDetailSerializer

    @extend_schema(request=ReasonForm)
    def post(self, request, pk: int):
        form = ReasonForm(data=request.data)
        form.is_valid(raise_exception=True)
        services.entry_withdraw(actor=request.user, entry=_entry(request, pk), reason=form.validated_data["reason"])
        return _detail(request, pk)


class RemovalForm(ReasonForm):
    removal_reason = serializers.ChoiceField(choices=ListEntry.RemovalReason.choices, label=_("removal reason"),
                                             help_text=_("ANNULLED or REVOKED; other reasons have their own procedures."))


class EntryRemove(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = EntryDetailSerializer

    @extend_schema(request=RemovalForm)
    def post(self, request, pk: int):
        form = RemovalForm(data=request.data)
        form.is_valid(raise_exception=True)
        services.entry_remove_by_decision(actor=request.user, entry=_entry(request, pk), **form.validated_data)
        return _detail(request, pk)


class CorrectionForm(ReasonForm):
    facts = serializers.CharField(required=False)
    reasons = serializers.CharField(required=False)
    basis = serializers.CharField(required=False)
    valid_until = serializers.DateField(required=False)


class EntryCorrect(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = EntryDetailSerializer

    @extend_schema(request=CorrectionForm)
    def post(self, request, pk: int):
        form = CorrectionForm(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        reason = data.pop("reason")
        if not data:
            raise ValidationFailed(fields={"facts": [("required", _("Give at least one field to correct."))]})
        services.entry_correct(actor=request.user, entry=_entry(request, pk), reason=reason, **data)
        return _detail(request, pk)


class ExecutionList(generics.GenericAPIView):
    """Measure executions in my scope (an implementing unit: its own)."""

    permission_classes = [IsStaff]
    serializer_class = ExecutionSerializer
    queryset = MeasureExecution.objects.none()

    def get(self, request):
        qs = selectors.executions_visible_to(user=request.user).order_by("-id")
        state = request.query_params.get("state")
        if state:
            qs = qs.filter(state=state)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
