"""The workflow's listeners to the domain's events (``cases.events``), subscribed in
``WorkflowConfig.ready()``.

The services own the state and announce what happened; these listeners only start flows and open,
pause, resume, re-date or cancel tasks so that the queues always match the cases (a suspended
entry's measure tasks are paused, a removed entry's are cancelled and replaced by lift
confirmations). Every one runs in the announcing transaction: a task and its case commit or roll
back together. Flows are imported when a listener runs: they import the services, which are
loaded with the models before any app is ready.
"""

from __future__ import annotations

from django.db import transaction

from cases import events
from cases.tasks import expire_entries
from workflow import services as work


def entry_drafted(*, entry) -> None:
    from workflow.flows.listing import ListingFlow

    ListingFlow.start_for(entry)


def entry_withdrawn(*, entry, actor, reason: str) -> None:
    work.case_tasks_cancel(entry, actor=actor, reason=reason)


def executions_pushed(*, executions) -> None:
    from workflow.flows.measures import ExecutionFlow

    for execution in executions:
        ExecutionFlow.start_for(execution)


def executions_suspended(*, executions, actor, reason: str) -> None:
    for execution in executions:
        work.case_tasks_pause(execution, actor=actor, reason=reason)


def executions_resumed(*, executions, actor, reason: str) -> None:
    for execution in executions:
        work.case_tasks_resume(execution, actor=actor, reason=reason)


def executions_lifting(*, executions, actor, reason: str) -> None:
    from workflow.flows.measures import LiftFlow

    for execution in executions:
        work.case_tasks_cancel(execution, actor=actor, reason=reason)
        LiftFlow.start_for(execution)


def executions_lifting_in_batch(*, executions, units, subjects) -> tuple[dict, dict]:
    """``executions_lifting`` for a batch: the open tasks cancelled set-based, and a LiftFlow per
    execution written in bulk, each unit told once. Answers ({execution id: [cancelled task ids]},
    {execution id: lift task id}) for the batch's audit event."""
    from workflow.flows.measures import LiftFlow

    executions = list(executions)
    cancelled = work.case_tasks_cancel_many("cases.measureexecution", [x.pk for x in executions])
    opened = LiftFlow.start_many(executions, node=LiftFlow.confirm, unit_of=lambda x: units[x.unit_id],
                                 subject_of=lambda x: subjects[x.entry_id])
    return cancelled, opened


def executions_reinstated(*, executions, actor, reason: str) -> None:
    """Open lift confirmations are cancelled and each execution is a respond → feedback task for its
    unit again."""
    from workflow.flows.measures import ExecutionFlow

    for execution in executions:
        work.case_tasks_cancel(execution, actor=actor, reason=reason)
        ExecutionFlow.start_for(execution)


def execution_feedback_imported(*, execution, actor, reason: str) -> None:
    work.case_tasks_cancel(execution, actor=actor, reason=reason)


def restorations_opened(*, restorations) -> None:
    from workflow.flows.measures import RestorationFlow

    for task in restorations:
        RestorationFlow.start_for(task)


def objection_filed(*, case) -> None:
    from workflow.flows.objection import ObjectionFlow

    ObjectionFlow.start_for(case)


def repair_filed(*, case) -> None:
    from workflow.flows.repair import RepairFlow

    RepairFlow.start_for(case)


def case_paused(*, case, actor, reason: str) -> None:
    work.case_tasks_pause(case, actor=actor, reason=reason)


def case_resumed(*, case, actor, reason: str) -> None:
    work.case_tasks_resume(case, actor=actor, reason=reason)


def case_deadline_moved(*, case, steps, computation, reason: str, actor=None) -> None:
    work.case_tasks_redate(case, steps=steps, computation=computation, actor=actor, reason=reason)


def case_ended(*, case, actor, reason: str) -> None:
    work.case_tasks_cancel(case, actor=actor, reason=reason)


def list_type_revoked(*, list_type) -> None:
    """The removal sweep runs at once after the revocation commits instead of at its next hourly
    run. A broker that refuses (Redis down) leaves it to that run: the entries are taken all the same."""
    transaction.on_commit(expire_entries.delay, robust=True)


# event → listener: every event of cases.events that opens, moves or closes tasks (all of them).
LISTENERS = {
    events.entry_drafted: entry_drafted,
    events.entry_withdrawn: entry_withdrawn,
    events.list_type_revoked: list_type_revoked,
    events.executions_pushed: executions_pushed,
    events.executions_suspended: executions_suspended,
    events.executions_resumed: executions_resumed,
    events.executions_lifting: executions_lifting,
    events.executions_lifting_in_batch: executions_lifting_in_batch,
    events.executions_reinstated: executions_reinstated,
    events.execution_feedback_imported: execution_feedback_imported,
    events.restorations_opened: restorations_opened,
    events.objection_filed: objection_filed,
    events.repair_filed: repair_filed,
    events.case_paused: case_paused,
    events.case_resumed: case_resumed,
    events.case_deadline_moved: case_deadline_moved,
    events.case_ended: case_ended,
}


def subscribe() -> None:
    """Every listener, in the announcing transaction (``WorkflowConfig.ready``)."""
    for event, listener in LISTENERS.items():
        events.subscribe(event, listener)
