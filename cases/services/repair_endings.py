"""How a credit repair (信用修复) ends because of what happens to its entry, domain.md §4 and §5.

Two procedures end a repair from the outside: the entry leaves the list by another way (expiry, an
objection, a court), or the last implementing unit confirms the lift of an approved repair. The
entry services call these; they live apart from ``repairs`` so that the entries do not import the
repair procedure, which itself removes entries.
"""

from __future__ import annotations

from django.utils import timezone

from cases import events
from cases.locking import for_update
from cases.models import ListEntry, MeasureExecution, RepairCase

from .filed_cases import move

R = RepairCase.State


def repairs_lift_confirmed(*, entry: ListEntry, actor) -> int:
    """An approved repair closes once every implementing unit has confirmed its lift."""
    if entry.executions.filter(state=MeasureExecution.State.LIFT_PENDING).exists():
        return 0
    closed = 0
    for case in for_update(RepairCase.objects).filter(entry=entry, state=R.APPROVED):
        case.closed_at = timezone.now()
        move(case, "close", actor=actor, reason="各实施部门均已确认解除措施")
        closed += 1
    return closed


def repairs_entry_removed(*, entry: ListEntry, actor, reason: str = "") -> int:
    """The entry left the list by another procedure (expired, an objection revoked it, a court
    annulled it): an open repair has nothing left to repair and ends, its tasks cancelled."""
    ended = 0
    for case in for_update(RepairCase.objects).filter(entry=entry, state__in=RepairCase.OPEN):
        case.outcome, case.closed_at = RepairCase.Outcome.ENTRY_REMOVED, timezone.now()
        move(case, "lapse", actor=actor, reason=reason or entry.removal_reason,
             changes={"outcome": ["", case.outcome], "removal_reason": [None, entry.removal_reason]})
        events.case_ended(case=case, actor=actor, reason="名单条目已移出")
        ended += 1
    return ended
