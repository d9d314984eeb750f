"""The measures loop, domain.md §2: each measure execution is a task for its implementing unit
(acknowledge → applied / not applied with feedback); after removal, a task to confirm the lift;
after a revocation or correction, a restoration task (恢复信誉、消除不良影响)."""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from cases.models import MeasureExecution, ProcedureRule, RestorationTask
from cases.services import entries as entry_services
from workflow.nodes import UnitTask

from .base import CaseFlow
from .forms import ExecutionForm, NoteForm

MEASURE = ProcedureRule.CaseType.MEASURE


def _execution(activation) -> MeasureExecution:
    return MeasureExecution.objects.select_related("measure", "unit", "entry").get(
        pk=activation.process.artifact_object_id
    )


class ExecutionFlow(CaseFlow):
    """Measure execution"""

    process_title = _("Measure execution")

    start = flow.StartHandle(this.start_case).Next(this.respond)
    respond = UnitTask(
        case_type=MEASURE, step="respond", title=_("Acknowledge the measure"),
        unit=this.implementing_unit, perform=this.acknowledge, form=NoteForm,
        due=entry_services.execution_feedback_due,
    ).Next(this.report)
    report = UnitTask(
        case_type=MEASURE, step="feedback", title=_("Report whether the measure was applied"),
        unit=this.implementing_unit, perform=this.feedback, form=ExecutionForm,
        due=entry_services.execution_feedback_due,
    ).Next(this.end)
    end = flow.End()

    def implementing_unit(self, execution):
        return execution.unit

    def acknowledge(self, activation, actor, data):
        entry_services.execution_acknowledge(actor=actor, execution=_execution(activation))

    def feedback(self, activation, actor, data):
        entry_services.execution_report_feedback(
            actor=actor, execution=_execution(activation), applied=data["applied"], note=data.get("note", ""),
            applied_at=data.get("applied_at"), reason=data.get("reason", ""),
        )


class LiftFlow(CaseFlow):
    """Lifting a measure"""

    process_title = _("Lifting a measure")

    start = flow.StartHandle(this.start_case).Next(this.confirm)
    confirm = UnitTask(
        case_type=MEASURE, step="lift", title=_("Confirm the measure is lifted"),
        unit=this.implementing_unit, perform=this.confirm_lift, form=NoteForm,
    ).Next(this.end)
    end = flow.End()

    def implementing_unit(self, execution):
        return execution.unit

    def confirm_lift(self, activation, actor, data):
        entry_services.execution_confirm_lift(actor=actor, execution=_execution(activation))


class RestorationFlow(CaseFlow):
    """Restoring reputation"""

    process_title = _("Restoring reputation")

    start = flow.StartHandle(this.start_case).Next(this.restore)
    restore = UnitTask(
        case_type=MEASURE, step="restoration", title=_("Restore the subject's reputation"),
        unit=this.restoring_unit, perform=this.done, form=NoteForm,
    ).Next(this.end)
    end = flow.End()

    def restoring_unit(self, task):
        return task.unit

    def done(self, activation, actor, data):
        task = RestorationTask.objects.get(pk=activation.process.artifact_object_id)
        entry_services.restoration_done(actor=actor, task=task, note=data.get("note", ""))
