"""What the portal shows of a case and lets its applicant do: the words, the stepper and the running
deadline come from ``cases.presentation`` (the same the workspace and the API show); this adds the
actions open to the applicant now (chase up, send material, withdraw)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from cases.models import ObjectionCase, RepairCase
from cases.presentation import CasePresentation, present
from deadlines.calendar import WORKING_DAYS
from deadlines.countdown import Countdown as TimeLeft
from deadlines.countdown import CountdownClock

O, R = ObjectionCase.State, RepairCase.State


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
    steps: list = field(default_factory=list)  # cases.presentation.Step
    next_text: str = ""


def _countdown(p: CasePresentation) -> Countdown | None:
    left = p.countdown
    if p.deadline_step is None or (left.due is None and not left.paused):
        return None
    return Countdown(label=p.deadline_label, due=left.due, left=left, provisional=p.provisional, held=p.held)


def case_view(case, today: dt.date | None = None, *, clock: CountdownClock | None = None) -> CaseView:
    """The case as its applicant follows it: its words, stepper and deadline (cases.presentation)
    and what the portal lets the applicant do now."""
    p = present(case, clock=clock or CountdownClock(today))
    objection = isinstance(case, ObjectionCase)
    if objection:
        may_withdraw = case.state in (O.SUBMITTED, O.NEEDS_SUPPLEMENT, O.VERIFYING)
        may_add_material = case.state == O.NEEDS_SUPPLEMENT
        material_label = _("Send the supplementary material")
    else:
        may_withdraw = case.state in RepairCase.OPEN
        may_add_material = case.state in (R.SUBMITTED, R.NEEDS_SUPPLEMENT)
        material_label = (_("Send the supplementary material") if case.state == R.NEEDS_SUPPLEMENT
                          else _("Add material (e.g. the signed credit commitment)"))
    return CaseView(
        case=case, kind=p.kind, kind_label=p.kind_label, status_text=p.status_text, state_label=p.state_label,
        is_open=case.state in type(case).OPEN, paused=case.state == O.NEEDS_SUPPLEMENT, countdown=_countdown(p),
        may_chase_up=case.state in type(case).OPEN, may_withdraw=may_withdraw, may_add_material=may_add_material,
        material_label=material_label, outcome_text=p.outcome_text, steps=p.steps, next_text=p.next_text)
