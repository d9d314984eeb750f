"""The task-queue API: my unit's open tasks, claim, release, reassign (leader), complete.

Thin: parse, call one selector or service, render. Errors are mapped by cases.api.errors:
another unit's task is 403, a task someone else completed or claimed first is 409.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from viewflow.workflow.models import Task
from rest_framework import generics, serializers
from rest_framework.response import Response

from cases.api.countdown import CountdownSerializer, countdown_data
from cases.api.permissions import IsStaff
from cases.api.serializers import QuerySerializer
from cases.errors import Forbidden, ValidationFailed
from deadlines.countdown import CountdownClock
from workflow import selectors, services


class TaskSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    case_type = serializers.CharField(source="work.case_type")
    step = serializers.CharField(source="work.step")
    title = serializers.CharField(source="work.title")
    case = serializers.SerializerMethodField()
    unit = serializers.CharField(source="work.unit.code")
    subject = serializers.SerializerMethodField()
    status = serializers.CharField()
    owner = serializers.CharField(source="owner.username", default=None, allow_null=True)
    leader_only = serializers.BooleanField(source="work.leader_only")
    due = serializers.DateField(source="work.due", allow_null=True)
    due_unit = serializers.CharField(source="work.due_unit")
    due_provisional = serializers.SerializerMethodField(
        help_text="The due date was computed with a provisional holiday calendar (the year's official "
                  "schedule is not published yet); it is recomputed automatically when it is.")
    days_left = serializers.SerializerMethodField(
        help_text="countdown.days_left: in working days for a working-day rule; null once the task is done.")
    countdown = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    paused = serializers.SerializerMethodField()
    escalated_at = serializers.DateTimeField(source="work.escalated_at", allow_null=True)
    escalated_to = serializers.CharField(source="work.escalated_to.code", default=None, allow_null=True)
    reminders_sent = serializers.JSONField(source="work.reminders_sent")
    created = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(source="work.completed_at", allow_null=True)

    def get_case(self, task) -> dict:
        return {"type": task.work.object_type, "id": task.work.object_id}

    def get_subject(self, task) -> dict | None:
        subject = task.work.subject
        return {"name": subject.name, "identifier": subject.identifier} if subject else None

    def _countdown(self, task):
        # Today and the calendar once per page, not once per row.
        return task.work.countdown(self.context.setdefault("countdown_clock", CountdownClock()))

    def get_days_left(self, task) -> int | None:
        return self._countdown(task).days_left

    @extend_schema_field(CountdownSerializer)
    def get_countdown(self, task) -> dict:
        return countdown_data(self._countdown(task))

    def get_due_provisional(self, task) -> bool:
        return bool((task.work.due_computation or {}).get("provisional"))

    def get_overdue(self, task) -> bool:
        return self._countdown(task).overdue

    def get_paused(self, task) -> bool:
        return task.work.paused_at is not None


def open_task_rows(*, user, entry) -> list[dict]:
    """An entry's open tasks the user may read, each as the queue shows it (the entry detail asks
    through ``cases.selectors.case_tasks``)."""
    return TaskSerializer(selectors.open_tasks_of_entry(user=user, entry=entry), many=True).data


class TaskDetailSerializer(TaskSerializer):
    due_computation = serializers.JSONField(source="work.due_computation")
    form = serializers.SerializerMethodField()

    def get_form(self, task) -> dict:
        """The fields a completion of this step takes (name → type, required)."""
        form_class = getattr(task.flow_task, "form_class", None)
        if form_class is None:
            return {}
        return {
            name: {"type": type(field).__name__.replace("Field", "").lower(), "required": field.required,
                   "help_text": str(field.help_text or "")}
            for name, field in form_class().fields.items()
        }


def _flag(value: str | None):
    if value in (None, ""):
        return None
    return value.lower() in ("1", "true", "yes")


class QueryForm(QuerySerializer):
    case_type = serializers.CharField(required=False, allow_blank=True)
    step = serializers.CharField(required=False, allow_blank=True)
    due_before = serializers.DateField(required=False)
    due_after = serializers.DateField(required=False)
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    paused = serializers.BooleanField(required=False, allow_null=True, default=None)
    assignee = serializers.CharField(required=False, allow_blank=True)
    search = serializers.CharField(required=False, allow_blank=True)
    case = serializers.CharField(required=False, allow_blank=True, max_length=64,
                                 help_text="objection:12, entry:7, repair:3, execution:9 or a case number")
    ordering = serializers.ChoiceField(choices=list(selectors.ORDERINGS), required=False, default="due")

    def validate_case(self, value):
        if not value:
            return None
        ref = selectors.parse_case_ref(value)
        if ref is None:
            raise serializers.ValidationError(_("Name a case as objection:12, entry:7, repair:3, execution:9 or "
                                                "by its case number."), code="unknown_case")
        return ref


class TaskQueue(generics.GenericAPIView):
    """My unit's open tasks."""

    permission_classes = [IsStaff]
    serializer_class = TaskSerializer
    queryset = Task.objects.none()  # for the schema; reads go through the selector

    @extend_schema(parameters=[QueryForm], responses=TaskSerializer(many=True))
    def get(self, request):
        query = QueryForm(data=request.query_params)
        query.is_valid(raise_exception=True)
        qs = selectors.task_queue(user=request.user, **query.validated_data)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class EscalatedTasks(generics.GenericAPIView):
    """Tasks escalated to my unit (the credit lead office) because they ran past their deadline."""

    permission_classes = [IsStaff]
    serializer_class = TaskSerializer
    queryset = Task.objects.none()

    @extend_schema(responses=TaskSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(selectors.escalated_tasks(user=request.user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class TaskDetail(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = TaskDetailSerializer

    def get(self, request, pk: int):
        return Response(self.get_serializer(selectors.task_for(user=request.user, task_id=pk)).data)


def _task_to_change(request, task_id) -> Task:
    """Permission before validation (issue 17): another unit's task is 404/403 before the body is
    read (the read rule, then the routing: a task is acted on only by its own unit); the service
    still checks the step's exact rule."""
    task = selectors.task_for(user=request.user, task_id=task_id)
    if getattr(getattr(request.user, "staff", None), "unit_id", None) != task.work.unit_id:
        raise Forbidden(_("This task belongs to another unit."), code="wrong_unit")
    return task


def _render(request, task_id):
    return Response(TaskDetailSerializer(selectors.task_for(user=request.user, task_id=task_id)).data)


class TaskClaim(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = TaskDetailSerializer

    @extend_schema(request=None)
    def post(self, request, pk: int):
        services.task_claim(actor=request.user, task_id=pk)
        return _render(request, pk)


class TaskRelease(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = TaskDetailSerializer

    @extend_schema(request=None)
    def post(self, request, pk: int):
        services.task_release(actor=request.user, task_id=pk)
        return _render(request, pk)


class ReassignForm(serializers.Serializer):
    assignee = serializers.CharField(help_text=_("Username of an officer of the same unit."))


class TaskReassign(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = TaskDetailSerializer

    @extend_schema(request=ReassignForm)
    def post(self, request, pk: int):
        _task_to_change(request, pk)
        form = ReassignForm(data=request.data)
        form.is_valid(raise_exception=True)
        assignee = get_user_model().objects.filter(username=form.validated_data["assignee"]).first()
        if assignee is None:
            raise ValidationFailed(fields={"assignee": [("not_found", _("No such user."))]})
        services.task_reassign(actor=request.user, task_id=pk, assignee=assignee)
        return _render(request, pk)


class TaskComplete(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = TaskDetailSerializer

    @extend_schema(request=OpenApiTypes.OBJECT, description="The step's form data; see the task's `form`.")
    def post(self, request, pk: int):
        services.task_complete(actor=request.user, task_id=pk, data=request.data)
        return _render(request, pk)
