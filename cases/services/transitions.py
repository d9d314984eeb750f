"""One way a state machine moves in the services: the FSM transition checked, applied and saved,
then its audit row (``<kind>.<transition>``, the state before and after) in the same transaction.
Entries, measure executions and filed cases (objections, repairs) all move through it."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django_fsm import can_proceed

from cases.audit.services import audit_record
from cases.errors import InvalidTransition


def move_audited(obj: models.Model, transition: str, *, kind: str, actor, reason: str = "",
                 changes: dict | None = None, saved: Callable[[], None] | None = None) -> None:
    """``obj.<transition>()``, saved; ``saved`` runs after the save and before the audit row (an
    entry's state periods). A transition the state does not allow is ``InvalidTransition`` (409)."""
    method = getattr(obj, transition)
    if not can_proceed(method):
        raise InvalidTransition(extra={"state": obj.state, "transition": transition})
    before = obj.state
    method()
    obj.save()
    if saved is not None:
        saved()
    audit_record(action=f"{kind}.{transition}", obj=obj, actor=actor, from_state=before, to_state=obj.state,
                 changes=changes, reason=reason)
