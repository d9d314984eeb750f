"""Our side of each human task (viewflow ``Task``): which unit it is routed to, which case it serves,
its legal deadline and how that was computed, reminders sent and escalation.

Viewflow owns the task's life (NEW → ASSIGNED → STARTED → DONE/CANCELED, the owner, the routing
permission); this row owns what a case system adds to it. It is written in the same transaction as
the task and never outlives it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.status import STATUS

# A viewflow task still to be done (the queue, a task page, the services that act on it).
OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)

# (case type, step) → the task's title (a lazy translation), filled by each UnitTask node as the
# flows are defined (workflow.nodes), so that a title is read in the language of whoever reads it.
TASK_TITLES: dict = {}


def task_title(case_type: str, step: str, stored: str) -> str:
    """A task's title in the active language: the node's name for the step, then the subject as
    stored (``"<step> · <subject>"``, workflow.services.work_item_open)."""
    name = TASK_TITLES.get((case_type, step))
    if name is None:
        return stored
    _written, sep, rest = stored.partition(" · ")
    return f"{name}{sep}{rest}"


class WorkItem(models.Model):
    task = models.OneToOneField("viewflow.Task", on_delete=models.CASCADE, primary_key=True, related_name="work")
    unit = models.ForeignKey("cases.Unit", on_delete=models.PROTECT, related_name="work_items")
    case_type = models.CharField(_("case type"), max_length=16)
    step = models.SlugField(_("step"), max_length=64)
    # The case the task serves, as its audit chain names it (e.g. "cases.listentry", 12).
    object_type = models.CharField(max_length=48)
    object_id = models.PositiveBigIntegerField()
    subject = models.ForeignKey("cases.Subject", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    title = models.CharField(_("title"), max_length=255)
    leader_only = models.BooleanField(_("for the unit leader"), default=False)

    due = models.DateField(_("due"), null=True, blank=True)
    due_unit = models.CharField(_("counted in"), max_length=16, blank=True)
    # deadlines.calendar.DeadlineComputation.as_dict(): the inputs and the result, kept on the task.
    due_computation = models.JSONField(default=dict, blank=True)

    is_open = models.BooleanField(default=True)
    # Set while the case waits on something outside the unit (e.g. the entry is suspended).
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    remind_on = models.DateField(null=True, blank=True)
    reminders_sent = models.JSONField(default=list, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        "cases.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="escalations_received"
    )

    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        indexes = [
            # The queue page: a unit's open tasks by deadline.
            models.Index(fields=["unit", "due", "task"], name="work_open_by_unit_due", condition=Q(is_open=True)),
            # The beat sweeps: open, not yet escalated, by deadline; reminders by date.
            models.Index(fields=["due"], name="work_escalation_due", condition=Q(is_open=True, escalated_at__isnull=True)),
            models.Index(fields=["remind_on"], name="work_reminder_due", condition=Q(is_open=True)),
            models.Index(fields=["object_type", "object_id"], name="work_by_case"),
            models.Index(fields=["escalated_to", "due"], name="work_escalated", condition=Q(is_open=True, escalated_at__isnull=False)),
            # The unit dashboard: a unit's tasks completed in a month (on time / late / 3x late).
            models.Index(fields=["unit", "completed_at"], name="work_done_by_unit", condition=Q(is_open=False)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the reader's language: the stored one was written in the language of the
        request that opened the task; the step's name is the node's (``TASK_TITLES``), the subject
        after it stays as stored."""
        return task_title(self.case_type, self.step, self.title)

    def countdown(self, clock, *, done: bool | None = None):
        """How much time is left on the task's deadline as of the clock's day (deadlines.countdown):
        standing still since the day it was paused; none once the task is finished."""
        return work_countdown(clock, due=self.due, due_unit=self.due_unit, paused_at=self.paused_at,
                              done=(not self.is_open) if done is None else done)

    @property
    def chain(self) -> str:
        return f"{self.object_type}:{self.object_id}"


def work_countdown(clock, *, due, due_unit: str, paused_at, done: bool):
    """``WorkItem.countdown`` from the values alone, for lists read as rows (``workflow.selectors.ROW_FIELDS``)."""
    return clock(due=due, unit=due_unit, paused=paused_at is not None,
                 paused_on=timezone.localdate(paused_at) if paused_at else None, done=done)
