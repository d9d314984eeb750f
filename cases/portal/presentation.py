"""How a case reads to its applicant: plain-language status, the deadline that runs now and how many
days are left, what the applicant may do next. Pure presentation over the case row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.api.objections import PLAIN_STATUS as OBJECTION_STATUS
from cases.api.repairs import PLAIN_STATUS as REPAIR_STATUS
from cases.countdowns import case_countdown, running_deadline
from cases.models import ObjectionCase, RepairCase
from deadlines.calendar import WORKING_DAYS
from deadlines.countdown import Countdown as TimeLeft
from deadlines.countdown import CountdownClock

O, R = ObjectionCase.State, RepairCase.State

OUTCOME_TEXT = {
    ObjectionCase.Outcome.CORRECTED: _("The published information was found wrong in part and has been corrected."),
    ObjectionCase.Outcome.REVOKED: _("The listing was found wrong and has been revoked: the entry has left the list "
                                     "and its measures are lifted."),
    ObjectionCase.Outcome.UPHELD: _("The published information was found correct and stays as it is."),
    RepairCase.Outcome.APPROVED: _("Credit repair approved: the entry has left the list and its measures are "
                                   "lifted."),
    RepairCase.Outcome.REJECTED: _("Credit repair rejected: the decision letter gives the reasons and the remedies."),
    RepairCase.Outcome.ENTRY_REMOVED: _("Ended: the entry left the list by another procedure."),
}


@dataclass
class Countdown:
    """The deadline that runs now as the applicant reads it: which one, its date and the time left on
    it (``left``: deadlines.countdown, the same value the officer's queue and the API show)."""

    label: str
    due: dt.date | None
    left: TimeLeft
    provisional: bool = False  # computed before the year's official holiday schedule was published
    held: bool = False  # kept at the date the applicant was told (the official one is earlier)

    @property
    def overdue(self) -> bool:
        return self.left.overdue

    @property
    def days_left(self) -> int | None:
        return self.left.days_left

    @property
    def working_days(self) -> bool:
        return self.left.rule_unit == WORKING_DAYS


@dataclass
class CaseView:
    case: object
    kind: str  # "objection" | "repair"
    kind_label: str
    status_text: str
    state_label: str
    is_open: bool
    paused: bool
    countdown: Countdown | None
    may_chase_up: bool
    may_withdraw: bool
    may_add_material: bool
    material_label: str = ""
    outcome_text: str = ""
    steps: list = field(default_factory=list)


STEP_LABELS = {
    "acceptance": _("Acceptance decision due"),
    "verification": _("Verification result due"),
    "decision": _("Repair decision due"),
}


def _countdown(case, clock: CountdownClock) -> Countdown | None:
    step = running_deadline(case)
    if step is None:
        return None
    left = case_countdown(case, clock)
    if left.due is None and not left.paused:
        return None
    stored = case.deadlines.get(step) or {}
    return Countdown(label=STEP_LABELS[step], due=left.due, left=left, provisional=bool(stored.get("provisional")),
                     held=bool(stored.get("held")))


def _objection(case: ObjectionCase, clock: CountdownClock) -> CaseView:
    countdown = _countdown(case, clock)
    steps = [
        (_("Filed"), timezone.localdate(case.filed_at)),
        (_("Accepted; verification notice received by the data-providing unit"), case.accepted_on),
        (_("Closed"), timezone.localdate(case.closed_at) if case.closed_at else None),
    ]
    return CaseView(
        case=case, kind="objection", kind_label=_("Objection"), status_text=OBJECTION_STATUS[case.state],
        state_label=case.get_state_display(), is_open=case.state in ObjectionCase.OPEN,
        paused=case.state == O.NEEDS_SUPPLEMENT, countdown=countdown,
        may_chase_up=case.state in ObjectionCase.OPEN,
        may_withdraw=case.state in (O.SUBMITTED, O.NEEDS_SUPPLEMENT, O.VERIFYING),
        may_add_material=case.state == O.NEEDS_SUPPLEMENT, material_label=_("Send the supplementary material"),
        steps=steps,
    )


def _repair(case: RepairCase, clock: CountdownClock) -> CaseView:
    countdown = _countdown(case, clock)
    steps = [
        (_("Filed"), timezone.localdate(case.filed_at)),
        (_("Accepted"), case.accepted_on),
        (_("Decided"), case.decided_on),
        (_("Closed"), timezone.localdate(case.closed_at) if case.closed_at else None),
    ]
    return CaseView(
        case=case, kind="repair", kind_label=_("Credit repair"), status_text=REPAIR_STATUS[case.state],
        state_label=case.get_state_display(), is_open=case.state in RepairCase.OPEN,
        paused=case.state == R.NEEDS_SUPPLEMENT, countdown=countdown,
        may_chase_up=case.state in RepairCase.OPEN,
        may_withdraw=case.state in RepairCase.OPEN,
        may_add_material=case.state in (R.SUBMITTED, R.NEEDS_SUPPLEMENT),
        material_label=(_("Send the supplementary material") if case.state == R.NEEDS_SUPPLEMENT
                        else _("Add material (e.g. the signed credit commitment)")),
        steps=steps,
    )


def case_view(case, today: dt.date | None = None, *, clock: CountdownClock | None = None) -> CaseView:
    clock = clock or CountdownClock(today)
    view = _objection(case, clock) if isinstance(case, ObjectionCase) else _repair(case, clock)
    view.outcome_text = OUTCOME_TEXT.get(case.outcome, "") if case.outcome else ""
    return view
