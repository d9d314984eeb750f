"""List entries and measure executions over HTTP. The steps of the listing and of the measures
loop are completed as tasks (/api/v1/tasks/); these endpoints draft an entry, read entries and
executions in the caller's scope, and carry the decisions that are not a queue step
(withdraw, remove by decision, correct)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from cases.errors import NotFound, ValidationFailed
from cases.identifiers import normalise
from cases.models import ListEntry, ListType, MeasureExecution, RestorationTask, Subject, Unit
from cases.selectors import entries as selectors
from cases.selectors.case_tasks import open_tasks_of_entry, tasks_of_entry
from cases.services import entries as services

from .countdown import CountdownSerializer
from .permissions import IsStaff, require_responsible


class ExecutionSerializer(serializers.ModelSerializer):
    measure = serializers.CharField(source="measure.code")
    measure_title = serializers.CharField(source="measure.title")
    mandatory = serializers.BooleanField(source="measure.mandatory")
    unit = serializers.CharField(source="unit.code")
    lift_requested_at = serializers.SerializerMethodField(
        help_text="When the lift was asked for (the entry's removal); set while LIFT_PENDING and once LIFTED.")

    class Meta:
        model = MeasureExecution
        fields = ["id", "entry", "measure", "measure_title", "mandatory", "unit", "state", "acknowledged_at",
                  "applied_at", "applied_note", "not_applied_reason", "first_applied_at", "feedback_reported_at",
                  "lift_requested_at", "lifted_at", "created_at"]

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_lift_requested_at(self, execution) -> str | None:
        # Every execution goes LIFT_PENDING in the removal's transaction, and a reinstatement takes
        # them all back: the lift of each one in a lift state was asked at the entry's removal.
        if execution.state in (MeasureExecution.State.LIFT_PENDING, MeasureExecution.State.LIFTED):
            return serializers.DateTimeField().to_representation(execution.entry.removed_at)
        return None


class RestorationSerializer(serializers.ModelSerializer):
    """恢复信誉、消除不良影响: a unit that applied a measure during a wrongful listing restores."""

    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")

    class Meta:
        model = RestorationTask
        fields = ["id", "unit", "unit_name", "reason", "state", "note", "created_at", "done_at"]


class TaskCaseSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="cases.listentry, cases.measureexecution, cases.restorationtask, "
                                           "cases.objectioncase or cases.repaircase")
    id = serializers.IntegerField()


class EntryTaskSerializer(serializers.Serializer):
    """An open task as /api/v1/tasks/ shows it (the workflow renders it; this declares its shape)."""

    id = serializers.IntegerField()
    case_type = serializers.CharField()
    step = serializers.CharField()
    title = serializers.CharField()
    case = TaskCaseSerializer()
    unit = serializers.CharField()
    status = serializers.CharField()
    owner = serializers.CharField(allow_null=True)
    leader_only = serializers.BooleanField()
    due = serializers.DateField(allow_null=True)
    due_unit = serializers.CharField()
    days_left = serializers.IntegerField(allow_null=True)
    countdown = CountdownSerializer()
    overdue = serializers.BooleanField()
    paused = serializers.BooleanField()
    escalated_to = serializers.CharField(allow_null=True)


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
    restorations = serializers.SerializerMethodField()
    open_tasks = serializers.SerializerMethodField()
    tasks = serializers.SerializerMethodField()

    class Meta(EntrySerializer.Meta):
        fields = [*EntrySerializer.Meta.fields, "deadlines", "executions", "restorations", "open_tasks", "tasks"]

    @extend_schema_field(ExecutionSerializer(many=True))
    def get_executions(self, entry) -> list:
        user = self.context["request"].user
        return ExecutionSerializer(selectors.executions_visible_to(user=user, entry=entry).order_by("id"), many=True).data

    @extend_schema_field(RestorationSerializer(many=True))
    def get_restorations(self, entry) -> list:
        user = self.context["request"].user
        return RestorationSerializer(selectors.restorations_visible_to(user=user, entry=entry).order_by("id"),
                                     many=True).data

    @extend_schema_field(EntryTaskSerializer(many=True))
    def get_open_tasks(self, entry) -> list:
        """Every open task about the entry, its executions and restorations and the objections and
        repairs filed on it, that the user may read."""
        return EntryTaskSerializer(open_tasks_of_entry(user=self.context["request"].user, entry=entry), many=True).data

    def get_tasks(self, entry) -> list:
        return tasks_of_entry(user=self.context["request"].user, entry=entry)


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


def _entry_to_change(request, pk) -> ListEntry:
    """The entry, then whether the user may act on it: 404 or 403 before the body is read."""
    entry = _entry(request, pk)
    require_responsible(request.user, entry, "entry")
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
        entry = _entry_to_change(request, pk)
        form = ReasonForm(data=request.data)
        form.is_valid(raise_exception=True)
        services.entry_withdraw(actor=request.user, entry=entry, reason=form.validated_data["reason"])
        return _detail(request, pk)


class RemovalForm(ReasonForm):
    removal_reason = serializers.ChoiceField(choices=ListEntry.RemovalReason.choices, label=_("removal reason"),
                                             help_text=_("ANNULLED or REVOKED; other reasons have their own procedures."))


class EntryRemove(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = EntryDetailSerializer

    @extend_schema(request=RemovalForm)
    def post(self, request, pk: int):
        entry = _entry_to_change(request, pk)
        form = RemovalForm(data=request.data)
        form.is_valid(raise_exception=True)
        services.entry_remove_by_decision(actor=request.user, entry=entry, **form.validated_data)
        return _detail(request, pk)


class CorrectionForm(ReasonForm):
    any_of_required = ("facts", "reasons", "basis", "valid_until")  # declared in the schema (cases.api.schema)
    facts = serializers.CharField(required=False)
    reasons = serializers.CharField(required=False)
    basis = serializers.CharField(required=False)
    valid_until = serializers.DateField(required=False)


class EntryCorrect(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = EntryDetailSerializer

    @extend_schema(request=CorrectionForm)
    def post(self, request, pk: int):
        entry = _entry_to_change(request, pk)
        form = CorrectionForm(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        reason = data.pop("reason")
        if not data:
            raise ValidationFailed(fields={"facts": [("required", _("Give at least one field to correct."))]})
        services.entry_correct(actor=request.user, entry=entry, reason=reason, **data)
        return _detail(request, pk)


class ExecutionList(generics.GenericAPIView):
    """Measure executions in my scope (an implementing unit: its own)."""

    permission_classes = [IsStaff]
    serializer_class = ExecutionSerializer
    queryset = MeasureExecution.objects.none()

    @extend_schema(responses=ExecutionSerializer(many=True))
    def get(self, request):
        qs = selectors.executions_visible_to(user=request.user).order_by("-id")
        state = request.query_params.get("state")
        if state:
            qs = qs.filter(state=state)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
