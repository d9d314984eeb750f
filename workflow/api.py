"""The task-queue API: my unit's open tasks, claim, release, reassign (leader), complete.

Thin: parse, call one selector or service, render. Errors are mapped by cases.api.errors:
another unit's task is 403, a task someone else completed or claimed first is 409.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from viewflow.workflow.models import Task
from rest_framework import generics, serializers
from rest_framework.response import Response

from cases.api.countdown import CountdownSerializer, countdown_data
from cases.api.pagination import QueuePagination
from cases.api.permissions import IsStaff
from cases.api.serializers import QuerySerializer
from cases.errors import ValidationFailed
from deadlines.countdown import CountdownClock
from workflow import selectors, services
from workflow.models.work import task_title


class TaskSerializer(serializers.Serializer):
    """A task as the lists and the detail show it. The fields below are the contract (the schema, and
    the reference a test compares with); ``to_representation`` builds the same dict from a row of
    ``selectors.ROW_FIELDS`` directly, since DRF's per-field machinery cost ~0.4 ms a row (issue 21
    item 3, tests/workflow/test_queue_is_lean.py). A list is given rows (``rows=True`` of the selectors), a
    detail a Task."""

    id = serializers.IntegerField(source="pk")
    case_type = serializers.CharField(source="work.case_type")
    step = serializers.CharField(source="work.step")
    title = serializers.CharField(source="work.display_title")
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

    # The reference path (DRF's own, field by field): the schema's methods, and what the test compares.
    def get_case(self, task) -> dict:
        return {"type": task.work.object_type, "id": task.work.object_id}

    def get_subject(self, task) -> dict | None:
        subject = task.work.subject
        return {"name": subject.name, "identifier": subject.identifier} if subject else None

    def _countdown(self, task):
        return task.work.countdown(self._clock())

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

    # The path every response takes.
    def _clock(self) -> CountdownClock:
        # Today and the calendar once per page, not once per row.
        clock = self.context.get("countdown_clock")
        if clock is None:
            clock = self.context["countdown_clock"] = CountdownClock()
        return clock

    def to_representation(self, task) -> dict:
        row = task if isinstance(task, dict) else selectors.task_row(task)
        countdown = selectors.row_countdown(row, self._clock())
        tz = self._timezone()
        subject_id = row["work__subject_id"]
        return {
            "id": row["id"], "case_type": row["work__case_type"], "step": row["work__step"],
            "title": task_title(row["work__case_type"], row["work__step"], row["work__title"]), "case": {"type": row["work__object_type"], "id": row["work__object_id"]},
            "unit": row["work__unit__code"],
            "subject": None if subject_id is None else {"name": row["work__subject__name"],
                                                         "identifier": row["work__subject__identifier"]},
            "status": row["status"], "owner": row["owner__username"], "leader_only": row["work__leader_only"],
            "due": _date(row["work__due"]), "due_unit": row["work__due_unit"],
            "due_provisional": bool(row["work__due_computation__provisional"]),
            "days_left": countdown.days_left, "countdown": self._countdown_data(countdown),
            "overdue": countdown.overdue, "paused": row["work__paused_at"] is not None,
            "escalated_at": _datetime(row["work__escalated_at"], tz), "escalated_to": row["work__escalated_to__code"],
            "reminders_sent": row["work__reminders_sent"], "created": _datetime(row["created"], tz),
            "completed_at": _datetime(row["work__completed_at"], tz),
        }

    def _timezone(self):
        tz = self.context.get("timezone")
        if tz is None:
            tz = self.context["timezone"] = timezone.get_current_timezone()
        return tz

    def _countdown_data(self, countdown) -> dict:
        # Worded once per distinct countdown on the page (they repeat: the page is sorted by due date).
        seen = self.context.setdefault("countdown_data", {})
        data = seen.get(countdown)
        if data is None:
            data = seen[countdown] = countdown_data(countdown)
        return dict(data)


def _datetime(value, tz):
    """DRF's DateTimeField (ISO 8601 in the active time zone, UTC written as Z) with the zone read once."""
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _date(value):
    return None if value is None else value.isoformat()


def open_task_rows(*, user, entry) -> list[dict]:
    """An entry's open tasks the user may read, each as the queue shows it (the entry detail asks
    through ``cases.selectors.case_tasks``)."""
    return TaskSerializer(selectors.open_tasks_of_entry(user=user, entry=entry, rows=True), many=True).data


def task_rows_of_entry(*, user, entry) -> list[dict]:
    """Every task of the entry's own procedure the user may read, oldest first, as the entry's
    detail lists them (asked through ``cases.selectors.case_tasks``)."""
    return [
        {"id": t.pk, "step": t.work.step, "unit": t.work.unit.code, "status": t.status, "due": t.work.due,
         "owner": t.owner.username if t.owner_id else None}
        for t in selectors.tasks_of_case(case=entry, user=user)
    ]


class TaskDetailSerializer(TaskSerializer):
    due_computation = serializers.JSONField(source="work.due_computation")
    form = serializers.SerializerMethodField()

    def to_representation(self, task) -> dict:
        return {**super().to_representation(task), "due_computation": task.work.due_computation,
                "form": self.get_form(task)}

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
    """My unit's open tasks (counted up to 10,000: ``count_capped``)."""

    permission_classes = [IsStaff]
    pagination_class = QueuePagination
    serializer_class = TaskSerializer
    queryset = Task.objects.none()  # for the schema; reads go through the selector

    @extend_schema(parameters=[QueryForm], responses=TaskSerializer(many=True))
    def get(self, request):
        query = QueryForm(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.task_queue(user=request.user, rows=True, **query.validated_data))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class EscalatedTasks(generics.GenericAPIView):
    """Tasks escalated to my unit (the credit lead office) because they ran past their deadline
    (counted as the queue is: up to 10,000, ``count_capped``)."""

    permission_classes = [IsStaff]
    pagination_class = QueuePagination  # and the schema's one PaginatedTaskList stays true for both
    serializer_class = TaskSerializer
    queryset = Task.objects.none()

    @extend_schema(responses=TaskSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(selectors.escalated_tasks(user=request.user, rows=True))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class TaskDetail(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = TaskDetailSerializer

    def get(self, request, pk: int):
        return Response(self.get_serializer(selectors.task_for(user=request.user, task_id=pk)).data)


def _task_to_change(request, task_id) -> Task:
    """Permission before validation (issue 17): another unit's task is 404/403 before the body is
    read (the read rule, then ``services.act_refusal``: a task is acted on only by its own unit's
    officers and leaders); the service asks the same rule again, with the step's leader rule, under
    the flow lock."""
    task = selectors.task_for(user=request.user, task_id=task_id)
    services.may_act(request.user, task, task.work, step=False)
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
