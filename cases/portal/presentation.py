"""How a case reads to its applicant: plain-language status, the deadline that runs now and how many
days are left, what the applicant may do next. Pure presentation over the case row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.api.objections import PLAIN_STATUS as OBJECTION_STATUS
from cases.api.repairs import PLAIN_STATUS as REPAIR_STATUS
from cases.models import ObjectionCase, RepairCase

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
    label: str
    due: dt.date
    days_left: int
    working_days: bool
    provisional: bool = False  # computed before the year's official holiday schedule was published
    held: bool = False  # kept at the date the applicant was told (the official one is earlier)

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left


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


def _countdown(case, label, due, step, today) -> Countdown | None:
    if not due:
        return None
    stored = case.deadlines.get(step) or {}
    return Countdown(label=label, due=due, days_left=(due - today).days, working_days=stored.get("unit") == "WORKING_DAYS",
                     provisional=bool(stored.get("provisional")), held=bool(stored.get("held")))


def _objection(case: ObjectionCase, today) -> CaseView:
    countdown = None
    if case.state == O.SUBMITTED:
        countdown = _countdown(case, _("Acceptance decision due"), case.acceptance_due, "acceptance", today)
    elif case.state in (O.VERIFYING, O.CONCLUDED):
        countdown = _countdown(case, _("Verification result due"), case.verification_due, "verification", today)
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


def _repair(case: RepairCase, today) -> CaseView:
    countdown = None
    if case.state == R.SUBMITTED:
        countdown = _countdown(case, _("Acceptance decision due"), case.acceptance_due, "acceptance", today)
    elif case.state in (R.ACCEPTED, R.REVIEWING):
        countdown = _countdown(case, _("Repair decision due"), case.decision_due, "decision", today)
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


def case_view(case, today: dt.date | None = None) -> CaseView:
    today = today or timezone.localdate()
    view = _objection(case, today) if isinstance(case, ObjectionCase) else _repair(case, today)
    view.outcome_text = OUTCOME_TEXT.get(case.outcome, "") if case.outcome else ""
    return view
