"""What happened in the domain, announced to whoever listens: the one way the case services reach
another app (docs/architecture.md, "Events").

One small function per event type (Saleor's ``order/events.py``): its keyword arguments are the
event's payload, and calling it announces the event. The services announce; they import nothing of
the listeners. The workflow subscribes in its ``AppConfig.ready()`` (``workflow.dispatch``) and opens,
pauses, re-dates and cancels tasks.
The letters app answers ``letter_due`` (in its ``AppConfig.ready()``): the domain's steps have
their letters numbered in their own transaction without importing the letters app.

Delivery is chosen by the listener when it subscribes:

- in the transaction (the default): the listener runs before the service returns, so what it writes
  commits or rolls back with the change. Tasks must match their case exactly (a suspended entry's
  measure tasks paused in the same transaction), so the workflow listens this way; an error in the
  listener is the service's error.
- after commit (``on_commit=True``): for what must not act on a change that may still roll back,
  or must not hold its transaction (nothing of ours yet; outbox deliveries go through the
  notifications' audit listener).

An event nobody listens to is a programming error (a task never opened is a lost case), so
announcing it raises ``NoListener``; ``tests/architecture/test_events.py`` proves, with the apps
loaded, that every event below has its listener in the app that answers it (the workflow, or the
letters for ``letter_due``) and that each listener takes the event's payload.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction

if TYPE_CHECKING:
    from deadlines.calendar import DeadlineComputation
    from cases.models import ListEntry, MeasureExecution, ObjectionCase, RepairCase, RestorationTask, Subject, Unit


class NoListener(RuntimeError):
    """An event was announced that no listener hears (or, for an event that answers, not exactly one)."""


@dataclass(frozen=True)
class Subscription:
    listener: Callable[..., Any]
    on_commit: bool


_subscriptions: dict[Callable, list[Subscription]] = {}


def subscribe(event: Callable, listener: Callable[..., Any], *, on_commit: bool = False) -> None:
    """``listener(**payload)`` hears ``event``; subscribing the same listener twice is one subscription."""
    if event not in EVENTS:
        raise ValueError(f"{getattr(event, '__name__', event)} is not an event of cases.events")
    subscriptions = _subscriptions.setdefault(event, [])
    if all(s.listener is not listener for s in subscriptions):
        subscriptions.append(Subscription(listener, on_commit))


def subscriptions_of(event: Callable) -> list[Subscription]:
    return list(_subscriptions.get(event, ()))


def announce(event: Callable, **payload) -> None:
    subscriptions = _subscriptions.get(event)
    if not subscriptions:
        raise NoListener(f"nobody listens to {event.__name__}")
    for subscription in subscriptions:
        if subscription.on_commit:
            # robust: a listener failing after the change committed must not make it look failed.
            transaction.on_commit(functools.partial(subscription.listener, **payload), robust=True)
        else:
            subscription.listener(**payload)


def ask(event: Callable, **payload):
    """Announce an event whose one listener answers (in the transaction): its return value."""
    subscriptions = _subscriptions.get(event, [])
    if len(subscriptions) != 1 or subscriptions[0].on_commit:
        raise NoListener(f"{event.__name__} is answered by exactly one listener in the transaction, "
                         f"not {len(subscriptions)}")
    return subscriptions[0].listener(**payload)


# --- list entries (domain.md §1) ----------------------------------------------------------------

def entry_drafted(*, entry: ListEntry) -> None:
    """An entry was drafted (by an officer, or by an import whose drafts get their procedure after
    the rows commit): its listing procedure begins."""
    announce(entry_drafted, entry=entry)


def entry_withdrawn(*, entry: ListEntry, actor, reason: str) -> None:
    """The listing unit withdrew a draft: its procedure ends."""
    announce(entry_withdrawn, entry=entry, actor=actor, reason=reason)


def list_type_revoked(*, list_type) -> None:
    """A list type's basis was revoked: its listed entries are to leave the lists (the removal
    sweep takes them in batches), as soon as the revocation has committed."""
    announce(list_type_revoked, list_type=list_type)


# --- measure executions (domain.md §2) ----------------------------------------------------------

def executions_pushed(*, executions: list[MeasureExecution]) -> None:
    """Each execution went to its implementing unit, which must respond and report feedback."""
    announce(executions_pushed, executions=executions)


def executions_suspended(*, executions: list[MeasureExecution], actor, reason: str) -> None:
    """The entry was suspended (an objection under verification): no measure applies meanwhile."""
    announce(executions_suspended, executions=executions, actor=actor, reason=reason)


def executions_resumed(*, executions: list[MeasureExecution], actor, reason: str) -> None:
    """The last verification ended: the measures apply again as they stood."""
    announce(executions_resumed, executions=executions, actor=actor, reason=reason)


def executions_lifting(*, executions: list[MeasureExecution], actor, reason: str) -> None:
    """The entry was removed: each execution is lift-pending until its unit confirms the lift."""
    announce(executions_lifting, executions=executions, actor=actor, reason=reason)


def executions_lifting_in_batch(*, executions: list[MeasureExecution], units: dict[int, Unit],
                                subjects: dict[int, Subject]) -> tuple[dict[int, list[int]], dict[int, int]]:
    """``executions_lifting`` for a batch of entries removed at once (the expiry night).
    ``units``: {unit id: Unit}; ``subjects``: {entry id: the entry's Subject}.

    The batch's one audit event names the tasks this closed and opened (ADR 0007), so this event is
    answered, by its one listener in the transaction: ({execution id: [cancelled task ids]},
    {execution id: lift task id})."""
    return ask(executions_lifting_in_batch, executions=executions, units=units, subjects=subjects)


def executions_reinstated(*, executions: list[MeasureExecution], actor, reason: str) -> None:
    """The entry was reinstated (a repair revoked): each execution is back with its unit to respond
    to, and no lift is pending any more."""
    announce(executions_reinstated, executions=executions, actor=actor, reason=reason)


def execution_feedback_imported(*, execution: MeasureExecution, actor, reason: str) -> None:
    """A unit's bulk feedback reported the execution applied or not: what its task asked is done."""
    announce(execution_feedback_imported, execution=execution, actor=actor, reason=reason)


def restorations_opened(*, restorations: list[RestorationTask]) -> None:
    """恢复信誉: each unit that applied a measure during a wrongful listing must restore the subject."""
    announce(restorations_opened, restorations=restorations)


# --- filed cases: objections and repairs (domain.md §3, §4) -----------------------------------

def objection_filed(*, case: ObjectionCase) -> None:
    announce(objection_filed, case=case)


def repair_filed(*, case: RepairCase) -> None:
    announce(repair_filed, case=case)


def case_paused(*, case: ObjectionCase | RepairCase, actor, reason: str) -> None:
    """The case's clock stopped (补正: a supplement was requested)."""
    announce(case_paused, case=case, actor=actor, reason=reason)


def case_resumed(*, case: ObjectionCase | RepairCase, actor, reason: str) -> None:
    """The case's clock runs again (the supplement arrived)."""
    announce(case_resumed, case=case, actor=actor, reason=reason)


def case_deadline_moved(*, case: ObjectionCase | RepairCase, steps: list[str], computation: DeadlineComputation,
                        reason: str, actor=None) -> None:
    """A deadline of the case was computed again (a pause ended, an extension was granted); ``steps``
    are the steps of its procedure that this deadline bounds."""
    announce(case_deadline_moved, case=case, steps=steps, computation=computation, reason=reason, actor=actor)


def case_ended(*, case: ObjectionCase | RepairCase, actor, reason: str) -> None:
    """The case ended outside its procedure's own steps: withdrawn by the applicant, deemed
    withdrawn when the supplement window lapsed, or left without an entry to act on."""
    announce(case_ended, case=case, actor=actor, reason=reason)


# --- letters (domain.md §6) -----------------------------------------------------------------------

def letter_due(*, actor, unit: Unit, letter_type: str, subject: Subject, case_chain: str, case_ref: str,
               context: dict, addressee: str):
    """A step of the case owes a letter (``cases.letter_types.LetterType``) from ``unit``, signed by
    ``actor`` (None: the unit's signature alone). Answered by its one listener in the transaction,
    the letters app (``letters.services.letter_issue``): the numbered letter, which commits or rolls
    back with the step; it is rendered and signed after commit."""
    return ask(letter_due, actor=actor, unit=unit, letter_type=letter_type, subject=subject,
               case_chain=case_chain, case_ref=case_ref, context=context, addressee=addressee)


EVENTS = frozenset({
    entry_drafted, entry_withdrawn, list_type_revoked, executions_pushed, executions_suspended, executions_resumed,
    executions_lifting, executions_lifting_in_batch, executions_reinstated, execution_feedback_imported,
    restorations_opened, objection_filed, repair_filed, case_paused, case_resumed, case_deadline_moved, case_ended,
    letter_due,
})
