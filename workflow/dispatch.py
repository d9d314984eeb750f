"""How the case services tell the workflow what happened, inside the same transaction.

The services own the state; these functions only start flows and open, pause, resume or cancel
tasks so that the queues always match the cases (a suspended entry's measure tasks are paused, a
removed entry's are cancelled and replaced by lift confirmations). Flows are imported lazily: they
import the services that import this module.
"""

from __future__ import annotations

from workflow import services as work


def entry_drafted(entry) -> None:
    from workflow.flows.listing import ListingFlow

    ListingFlow.start_for(entry)


def entry_withdrawn(entry, *, actor, reason: str) -> None:
    work.case_tasks_cancel(entry, actor=actor, reason=reason)


def executions_pushed(executions) -> None:
    from workflow.flows.measures import ExecutionFlow

    for execution in executions:
        ExecutionFlow.start_for(execution)


def executions_suspended(executions, *, actor, reason: str) -> None:
    for execution in executions:
        work.case_tasks_pause(execution, actor=actor, reason=reason)


def executions_resumed(executions, *, actor, reason: str) -> None:
    for execution in executions:
        work.case_tasks_resume(execution, actor=actor, reason=reason)


def executions_lifting(executions, *, actor, reason: str) -> None:
    from workflow.flows.measures import LiftFlow

    for execution in executions:
        work.case_tasks_cancel(execution, actor=actor, reason=reason)
        LiftFlow.start_for(execution)


def executions_lifting_many(executions, *, units, subjects) -> tuple[dict, dict]:
    """``executions_lifting`` for a batch of entries removed at once (the expiry night): their
    open tasks cancelled set-based, and a LiftFlow per execution written in bulk, each unit told
    once. ``units``: {unit id: Unit}; ``subjects``: {entry id: the entry's Subject}.
    Returns ({execution id: [cancelled task ids]}, {execution id: lift task id})."""
    from workflow.flows.measures import LiftFlow

    executions = list(executions)
    cancelled = work.case_tasks_cancel_many("cases.measureexecution", [x.pk for x in executions])
    opened = LiftFlow.start_many(executions, node=LiftFlow.confirm, unit_of=lambda x: units[x.unit_id],
                                 subject_of=lambda x: subjects[x.entry_id])
    return cancelled, opened


def restorations_opened(tasks) -> None:
    from workflow.flows.measures import RestorationFlow

    for task in tasks:
        RestorationFlow.start_for(task)


def objection_filed(case) -> None:
    from workflow.flows.objection import ObjectionFlow

    ObjectionFlow.start_for(case)


def executions_reinstated(executions, *, actor, reason: str) -> None:
    """The entry was reinstated (a repair revoked): open lift confirmations are cancelled and each
    execution is a respond → feedback task for its unit again."""
    from workflow.flows.measures import ExecutionFlow

    for execution in executions:
        work.case_tasks_cancel(execution, actor=actor, reason=reason)
        ExecutionFlow.start_for(execution)


def repair_filed(case) -> None:
    from workflow.flows.repair import RepairFlow

    RepairFlow.start_for(case)
