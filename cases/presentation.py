"""How a filed case (an objection or a repair application) reads to a person: the words for its
state, its steps as a stepper (each passed step with its date, the current one with its legal
deadline and the time left on it), and what happens next, in one sentence for the applicant.

One module for every front: the portal, the workspace, the API's display fields (``status_text``,
``days_left``, ``countdown``), the notifications and the exports read a case's words and its current
deadline here, so that a case reads the same wherever it is shown. Which deadline runs in which state
and how much time is left on it is ``cases.countdowns`` (over ``deadlines.countdown``); this module
only arranges it. Pure over the case row, except one read of the audit chain for the date a step
with no date field of its own was passed (an objection's verification, a repair's review).

The steps: an objection 提交 → 受理 → 核查 → 审批 → 办结 (domain.md §3); a repair application
提交 → 受理 → 审核 → 决定 → 办结 (domain.md §4: accepted within 3 working days, reviewed by the
unit that listed it, approved or rejected within 10 working days of applying, then the measures
are lifted and the case closes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.audit.models import AuditEvent
from cases.countdowns import case_countdown, running_deadline
# The words for single values (states, units, people, rules, booleans, an event's old → new) live in
# cases.labels; a front that imports this module finds them here too.
from cases.labels import (  # noqa: F401
    actor_label, bracket, case_type_label, person_label, rule_words, state_label, step_label, value_words, yes_no,
)
from cases.models import ObjectionCase, RepairCase
from deadlines.countdown import Countdown, CountdownClock

O, R = ObjectionCase.State, RepairCase.State

# Step.status
DONE, CURRENT, UPCOMING, ENDED, NOT_REACHED = "done", "current", "upcoming", "ended", "not_reached"

STATUS_TEXT = {
    ObjectionCase: {
        O.SUBMITTED: _("Received; the acceptance check is under way."),
        O.NEEDS_SUPPLEMENT: _("Waiting for the material you were asked to supplement; the clock is stopped."),
        O.NOT_ACCEPTED: _("Not accepted; the letter explains why and how to seek a remedy."),
        O.VERIFYING: _("Accepted; the unit that provided the information is verifying it. "
                       "Joint punishment on this entry is suspended meanwhile."),
        O.CONCLUDED: _("Verified; the result is awaiting the unit leader's approval."),
        O.CLOSED: _("Closed; the result letter has been issued."),
        O.WITHDRAWN: _("Withdrawn at your request."),
    },
    RepairCase: {
        R.SUBMITTED: _("Received; the listing unit is checking the application for acceptance."),
        R.NEEDS_SUPPLEMENT: _("Waiting for the material you were asked to supplement; the clock is stopped."),
        R.NOT_ACCEPTED: _("Not accepted; the letter explains why and how to seek a remedy."),
        R.ACCEPTED: _("Accepted; the listing unit is reviewing the application."),
        R.REVIEWING: _("Reviewed; the decision is before the unit leader."),
        R.APPROVED: _("Repair approved; the entry has left the list and the measures are being lifted."),
        R.REJECTED: _("Repair rejected; the decision letter gives the reasons and the remedies."),
        R.CLOSED: _("Closed."),
        R.REPAIR_REVOKED: _("The repair was revoked because it rested on false material; the entry is listed "
                            "again."),
        R.WITHDRAWN: _("Withdrawn at your request."),
    },
}

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

# The running deadline (cases.countdowns.running_deadline) as a person reads it.
DEADLINE_LABELS = {
    "acceptance": _("Acceptance decision due"),
    "verification": _("Verification result due"),
    "decision": _("Repair decision due"),
}

STEP_LABELS = {
    "filed": _("Submission"),
    "acceptance": _("Acceptance"),
    "verification": _("Verification"),
    "approval": _("Approval"),
    "review": _("Review"),
    "decision": _("Decision"),
    "closed": _("Completion"),
}
STEPS = {
    ObjectionCase: ("filed", "acceptance", "verification", "approval", "closed"),
    RepairCase: ("filed", "acceptance", "review", "decision", "closed"),
}
# state → the step under way in it (a state not here has no step under way: finished or ended).
CURRENT_STEP = {
    ObjectionCase: {O.SUBMITTED: "acceptance", O.NEEDS_SUPPLEMENT: "acceptance", O.VERIFYING: "verification",
                    O.CONCLUDED: "approval"},
    RepairCase: {R.SUBMITTED: "acceptance", R.NEEDS_SUPPLEMENT: "acceptance", R.ACCEPTED: "review",
                 R.REVIEWING: "decision", R.APPROVED: "closed"},
}
# The step's legal deadline (``case.deadlines`` key and date field): shown while the step is current
# or still ahead. The repair's review and decision share one period (10 working days of applying).
STEP_DEADLINE = {
    ObjectionCase: {"acceptance": "acceptance", "verification": "verification", "approval": "verification"},
    RepairCase: {"acceptance": "acceptance", "review": "decision", "decision": "decision"},
}
# The deadline that runs once the case is accepted: the date the acceptance notice gives the applicant.
DEADLINE_AFTER_ACCEPTANCE = {ObjectionCase: "verification", RepairCase: "decision"}
# A step with no date field of its own was passed when the case left this state (audit to_state).
PASSED_INTO = {ObjectionCase: {"verification": O.CONCLUDED}, RepairCase: {"review": R.REVIEWING}}
# How a case that stops before its last step ends, named on the step where it stopped.
ENDING_TEXT = {
    O.NOT_ACCEPTED: _("not accepted"),
    O.WITHDRAWN: _("withdrawn"),
    R.REPAIR_REVOKED: _("repair revoked"),
}
# A repair closed without a decision: the entry left the list by another procedure.
ENDED_OTHERWISE = _("ended by another procedure")


@dataclass(frozen=True)
class Step:
    """One step of the stepper. ``date``: when it was passed (or where the case ended); ``due``: its
    legal deadline while current or ahead; ``countdown``: the time left, on the current step only."""

    key: str
    label: str
    status: str
    date: dt.date | None = None
    due: dt.date | None = None
    countdown: Countdown | None = None
    note: str = ""

    @property
    def done(self) -> bool:
        return self.status == DONE

    @property
    def current(self) -> bool:
        return self.status == CURRENT


@dataclass
class CasePresentation:
    """A filed case in words. ``countdown`` is the running deadline's (deadlines.countdown), the
    value the API's ``countdown`` and ``days_left`` give; ``deadline_label`` names it."""

    case: object
    kind: str  # "objection" | "repair"
    kind_label: str
    state_label: str
    status_text: str
    outcome_text: str
    countdown: Countdown
    deadline_step: str | None
    deadline_label: str
    provisional: bool
    held: bool
    next_text: str
    steps: list[Step] = field(default_factory=list)

    @property
    def current_step(self) -> Step | None:
        return next((s for s in self.steps if s.current), None)


def status_text(case) -> str:
    """The state in a sentence for the applicant, in the active language."""
    return str(STATUS_TEXT[type(case)][case.state])


def deadline_after_acceptance(case) -> dt.date | None:
    """The verification (objection) or decision (repair) deadline: what happens after acceptance is
    due by this day, whatever the case's state by the time a notice is written."""
    model = type(case)
    return getattr(case, model.DEADLINE_FIELDS[DEADLINE_AFTER_ACCEPTANCE[model]])


def _localdate(ts) -> dt.date | None:
    return timezone.localdate(ts) if ts else None


def _passed_on(case) -> dict[str, dt.date]:
    """The dates of the steps the case row does not keep, read from its audit chain (the last time
    the case entered the state that ends the step: a send-back and a second pass date the second)."""
    into = PASSED_INTO[type(case)]
    if not case.pk:
        return {}
    events = (AuditEvent.objects.filter(chain=f"{case._meta.label_lower}:{case.pk}", to_state__in=list(into.values()))
              .order_by("seq").values_list("to_state", "occurred_at"))
    last = {state: timezone.localdate(at) for state, at in events}
    return {step: last[state] for step, state in into.items() if state in last}


def _step_dates(case) -> dict[str, dt.date | None]:
    closed = _localdate(case.closed_at)
    if isinstance(case, ObjectionCase):
        dates = {"filed": _localdate(case.filed_at), "acceptance": case.accepted_on,
                 "approval": closed if case.state == O.CLOSED else None,
                 "closed": closed if case.state == O.CLOSED else None}
        if case.state in (O.CONCLUDED, O.CLOSED):
            dates["verification"] = _passed_on(case).get("verification")
        return dates
    dates = {"filed": _localdate(case.filed_at), "acceptance": case.accepted_on, "decision": case.decided_on,
             "closed": closed if case.decided_on else None}
    if case.state == R.REJECTED:
        dates["closed"] = case.decided_on  # a rejection ends the procedure on the day it is decided
    if case.decided_on or case.state == R.REVIEWING:
        dates["review"] = _passed_on(case).get("review")
    return dates


def _ended_on(case) -> dt.date | None:
    if case.state == R.REPAIR_REVOKED:
        return _localdate(getattr(case, "revoked_at", None))
    return _localdate(case.closed_at)


def case_steps(case, countdown: Countdown) -> list[Step]:
    """The stepper: passed steps with their dates, the current step with its deadline and the time
    left (``countdown``, the running deadline's), the steps ahead with their deadline when known, or,
    for a case that ended early, the step where it ended and the steps it never reached."""
    model = type(case)
    current = CURRENT_STEP[model].get(case.state)
    dates = _step_dates(case)
    ending = ENDING_TEXT.get(case.state)
    if isinstance(case, RepairCase) and case.state == R.CLOSED and not case.decided_on:
        ending = ENDED_OTHERWISE
    steps, seen_current, ended = [], False, False
    for key in STEPS[model]:
        label = STEP_LABELS[key]
        deadline = STEP_DEADLINE[model].get(key)
        due = getattr(case, model.DEADLINE_FIELDS[deadline]) if deadline else None
        if ended:
            steps.append(Step(key, label, NOT_REACHED))
        elif key == current:
            seen_current = True
            steps.append(Step(key, label, CURRENT, due=due, countdown=countdown if countdown.shown else None))
        elif seen_current:
            steps.append(Step(key, label, UPCOMING, due=due))
        elif ending and not dates.get(key) and key != "filed":
            ended = True
            steps.append(Step(key, label, ENDED, date=_ended_on(case), note=str(ending)))
        else:
            steps.append(Step(key, label, DONE, date=dates.get(key)))
    return steps


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def next_text(case, countdown: Countdown) -> str:
    """What happens next, in one sentence for the applicant (with the date it is due by)."""
    due = _day(countdown.due)
    if isinstance(case, ObjectionCase):
        text = {
            O.SUBMITTED: _("The accepting unit decides by %(due)s whether to accept your objection; if material "
                           "is missing, it asks you for it once."),
            O.NEEDS_SUPPLEMENT: _("Send the requested material below: the acceptance check resumes the day it "
                                  "arrives."),
            O.VERIFYING: _("The unit that provided the information verifies it by %(due)s; you then receive the "
                           "result letter."),
            O.CONCLUDED: _("The unit leader approves the verification result; the result letter follows (the "
                           "verification is due by %(due)s)."),
            O.NOT_ACCEPTED: _("Nothing more happens in this case; the letter explains how to seek a remedy."),
        }.get(case.state, _("Nothing more happens in this case."))
    else:
        text = {
            R.SUBMITTED: _("The listing unit decides by %(due)s whether to accept your application; if material "
                           "is missing, it asks you for it once."),
            R.NEEDS_SUPPLEMENT: _("Send the requested material below: the acceptance check resumes the day it "
                                  "arrives."),
            R.ACCEPTED: _("The listing unit reviews your application; you will have the decision by %(due)s."),
            R.REVIEWING: _("The unit leader decides on the repair by %(due)s."),
            R.APPROVED: _("The implementing units lift their measures; the case closes when every one has "
                          "confirmed."),
            R.NOT_ACCEPTED: _("Nothing more happens in this case; the letter explains how to seek a remedy."),
            R.REJECTED: _("Nothing more happens in this case; the decision letter gives the reasons and the "
                          "remedies."),
        }.get(case.state, _("Nothing more happens in this case."))
    return str(text) % {"due": due} if "%(due)s" in str(text) else str(text)


def present(case, *, clock: CountdownClock | None = None, today: dt.date | None = None) -> CasePresentation:
    """The case in words, as of ``clock`` (today's Beijing date and the calendar, once per page)."""
    clock = clock or CountdownClock(today)
    countdown = case_countdown(case, clock)
    step = running_deadline(case)
    stored = (case.deadlines or {}).get(step) or {} if step else {}
    is_objection = isinstance(case, ObjectionCase)
    return CasePresentation(
        case=case, kind="objection" if is_objection else "repair",
        kind_label=str(_("Objection") if is_objection else _("Credit repair")),
        state_label=str(case.get_state_display()), status_text=status_text(case),
        outcome_text=str(OUTCOME_TEXT.get(case.outcome, "")) if case.outcome else "",
        countdown=countdown, deadline_step=step, deadline_label=str(DEADLINE_LABELS[step]) if step else "",
        provisional=bool(stored.get("provisional")), held=bool(stored.get("held")),
        next_text=next_text(case, countdown), steps=case_steps(case, countdown))
