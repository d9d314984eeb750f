"""Which deadline of an objection or a repair application runs now, and how much time is left on it
(deadlines.countdown): the portal, the public API and the notifications read it from here, so the
applicant sees the same number everywhere and the officer's queue shows the same for the task."""

from __future__ import annotations

import datetime as dt

from cases.models import ObjectionCase, RepairCase
from deadlines.countdown import Countdown, CountdownClock

O, R = ObjectionCase.State, RepairCase.State

# state → the key of ``case.deadlines`` that runs in it. A supplement stops the acceptance clock.
RUNNING_DEADLINE = {
    ObjectionCase: {O.SUBMITTED: "acceptance", O.NEEDS_SUPPLEMENT: "acceptance", O.VERIFYING: "verification",
                    O.CONCLUDED: "verification"},
    RepairCase: {R.SUBMITTED: "acceptance", R.NEEDS_SUPPLEMENT: "acceptance", R.ACCEPTED: "decision",
                 R.REVIEWING: "decision"},
}


def running_deadline(case) -> str | None:
    """The step whose deadline runs now ("acceptance", "verification", "decision"), or None."""
    return RUNNING_DEADLINE[type(case)].get(case.state)


def _paused_on(case) -> dt.date | None:
    """The day the open pause (补正) began, if the clock is stopped."""
    open_pauses = [p for p in (getattr(case, "pauses", None) or []) if not p.get("end")]
    return dt.date.fromisoformat(open_pauses[-1]["start"]) if open_pauses else None


def case_countdown(case, clock: CountdownClock | None = None) -> Countdown:
    """The time left on the case's running deadline in that deadline's unit; paused while the case
    waits for material; done once no deadline runs (closed, withdrawn, decided)."""
    clock = clock or CountdownClock()
    step = running_deadline(case)
    if step is None:
        return clock(due=None, unit="", done=True)
    due = getattr(case, type(case).DEADLINE_FIELDS[step])
    unit = (case.deadlines.get(step) or {}).get("unit") or ""
    paused = case.state == O.NEEDS_SUPPLEMENT  # the same value for both kinds
    return clock(due=due, unit=unit, paused=paused, paused_on=_paused_on(case) if paused else None)
