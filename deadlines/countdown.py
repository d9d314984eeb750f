"""How much time is left on a deadline (剩余期限): one value and one function for every page, the API,
the spreadsheets and the notifications, so that the same deadline reads the same everywhere.

- Counted in the deadline's own unit: working days for a WORKING_DAYS rule (weekends and statutory
  holidays skipped, make-up working days counted), calendar days otherwise. A MONTHS rule is shown
  in calendar days, and says so: its due date is one fixed day (民法典 arts. 202-203 already applied),
  while "1 month and 3 days" has no fixed length (docs/deadlines.md §7).
- 0 on the due date itself ("due today"); overdue the day after (the last day runs until 24:00,
  art. 203), and never overdue by 0 (a Saturday after a Friday deadline is 1 working day late).
- While the clock is stopped the count stands still at what was left on the day it stopped: the
  day a pause starts still counts, so that is exactly what is left when the clock resumes.
- A task or case that is done shows no countdown.

``countdown()`` is the arithmetic (no database: the caller gives today and the calendar);
``CountdownClock`` reads today's Beijing date and the calendar once for a page or a sweep.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines.calendar import CALENDAR_DAYS, UNITS, WORKING_DAYS, CalendarDataMissing, ChinaCalendar, days_left
from deadlines.rules import current_calendar

# Countdown.state
RUNNING = "running"  # days left (> 0)
DUE_TODAY = "due_today"
OVERDUE = "overdue"
PAUSED = "paused"  # the clock is stopped; days_left stands at what was left when it stopped (or None)
DONE = "done"  # the task or case is finished: no countdown
NO_DEADLINE = "no_deadline"  # nothing to count down to (no due date yet)
STATES = (RUNNING, DUE_TODAY, OVERDUE, PAUSED, DONE, NO_DEADLINE)


@dataclass(frozen=True)
class Countdown:
    """How much time is left on one deadline, as of one day.

    ``days_left`` is signed: > 0 left, 0 due today, < 0 overdue by that many; while paused, what was
    left when the clock stopped (negative if it was already late); None when done or undetermined.
    ``unit`` is what it counts (WORKING_DAYS or CALENDAR_DAYS); ``rule_unit`` the unit the rule's
    period is stated in (a MONTHS rule counts down in CALENDAR_DAYS).
    """

    state: str
    due: dt.date | None
    unit: str
    rule_unit: str
    days_left: int | None

    @property
    def amount(self) -> int | None:
        """Days left, or days overdue: never negative."""
        return None if self.days_left is None else abs(self.days_left)

    @property
    def overdue(self) -> bool:
        """Late and running (a stopped clock is not late, whatever it stood at)."""
        return self.state == OVERDUE

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def due_today(self) -> bool:
        return self.state == DUE_TODAY

    @property
    def paused(self) -> bool:
        return self.state == PAUSED

    @property
    def done(self) -> bool:
        return self.state == DONE

    @property
    def shown(self) -> bool:
        """Whether a page shows a countdown at all (not for a finished task or a missing date)."""
        return self.state not in (DONE, NO_DEADLINE)

    @property
    def label(self) -> str:
        return countdown_label(self)

    def as_dict(self) -> dict:
        """The API's shape (cases.api.countdown.CountdownSerializer); ``label`` in the reader's language."""
        return {"state": self.state, "due": self.due, "days_left": self.days_left, "amount": self.amount,
                "unit": self.unit, "rule_unit": self.rule_unit, "overdue": self.overdue, "paused": self.paused,
                "label": self.label}


def _signed_left(due: dt.date, on: dt.date, unit: str, calendar: ChinaCalendar | None) -> tuple[int, str]:
    """(days left as of ``on``, the unit they are counted in)."""
    if unit == WORKING_DAYS:
        if calendar is not None:
            try:
                return days_left(due, on, WORKING_DAYS, calendar), WORKING_DAYS
            except CalendarDataMissing:
                pass
        # No holiday data for a year in between: calendar days, and the label says so.
    return (due - on).days, CALENDAR_DAYS


def countdown(
    *,
    due: dt.date | None,
    unit: str,
    today: dt.date,
    calendar: ChinaCalendar | None,
    paused: bool = False,
    paused_on: dt.date | None = None,
    done: bool = False,
) -> Countdown:
    """The time left on a deadline due ``due`` (a period counted in ``unit``) as of ``today`` (the
    Beijing date). ``paused``: the clock is stopped, since ``paused_on`` when known. ``done``: the
    task or case is finished. ``calendar`` may be None when no holiday data can be read: working days
    are then shown as calendar days, labelled as such."""
    rule_unit = unit or CALENDAR_DAYS  # a task without a stored unit counted calendar days
    if rule_unit not in UNITS:
        raise ValueError(f"Unknown period unit {unit!r}; expected one of {UNITS}")
    shown_unit = WORKING_DAYS if rule_unit == WORKING_DAYS else CALENDAR_DAYS
    if done:
        return Countdown(DONE, due, shown_unit, rule_unit, None)
    if paused:
        if due is None or paused_on is None:
            return Countdown(PAUSED, due, shown_unit, rule_unit, None)
        left, shown_unit = _signed_left(due, paused_on, rule_unit, calendar)
        return Countdown(PAUSED, due, shown_unit, rule_unit, left)
    if due is None:
        return Countdown(NO_DEADLINE, None, shown_unit, rule_unit, None)
    left, shown_unit = _signed_left(due, today, rule_unit, calendar)
    state = DUE_TODAY if today == due else RUNNING if today < due else OVERDUE
    return Countdown(state, due, shown_unit, rule_unit, left)


def _amount_text(c: Countdown) -> str:
    n = c.amount
    if c.days_left == 0 and c.state != RUNNING:
        return _("due today")
    # (Running with 0 working days left: a deadline held on a rest day, due after today's weekend.)
    if c.days_left >= 0:
        if c.unit == WORKING_DAYS:
            return _("Working days left: %(n)s") % {"n": n}
        return _("Calendar days left: %(n)s") % {"n": n}
    if c.unit == WORKING_DAYS:
        return _("Working days overdue: %(n)s") % {"n": n}
    return _("Calendar days overdue: %(n)s") % {"n": n}


def countdown_label(c: Countdown) -> str:
    """The countdown in words, in the active language: 「剩余 2 个工作日」, 「今日到期」,
    「已逾期 3 个工作日」, 「已暂停（剩余 2 个工作日）」; empty when there is nothing to count down."""
    if c.state in (DONE, NO_DEADLINE):
        return ""
    if c.state == PAUSED:
        if c.days_left is None:
            return _("paused")
        return _("paused (%(left)s)") % {"left": _amount_text(c)}
    return _amount_text(c)


def countdown_json(c: Countdown) -> dict:
    """The countdown as JSON data without words (e.g. in a notification's context), so that it is
    worded in the reader's language when shown (``countdown_from_dict``)."""
    return {"state": c.state, "due": c.due.isoformat() if c.due else None, "days_left": c.days_left,
            "unit": c.unit, "rule_unit": c.rule_unit}


def countdown_from_dict(data: dict) -> Countdown:
    """A countdown kept as JSON (``countdown_json``) back as a value."""
    due = data.get("due")
    return Countdown(state=data["state"], due=dt.date.fromisoformat(due) if isinstance(due, str) else due,
                     unit=data["unit"], rule_unit=data.get("rule_unit") or data["unit"],
                     days_left=data.get("days_left"))


_UNREAD = object()


class CountdownClock:
    """Today's Beijing date and the holiday calendar, read once for a page, a serializer or a sweep
    (the calendar only when a working-day deadline asks for it)."""

    def __init__(self, today: dt.date | None = None, calendar: ChinaCalendar | None = None):
        self.today = today or timezone.localdate()
        self._calendar = _UNREAD if calendar is None else calendar
        # A page's rows share few distinct deadlines (a queue sorted by due date above all): each is
        # counted once. Countdowns are immutable, and the clock lives for one page or sweep.
        self._seen: dict[tuple, Countdown] = {}

    @property
    def calendar(self) -> ChinaCalendar | None:
        if self._calendar is _UNREAD:
            try:
                self._calendar = current_calendar()
            except CalendarDataMissing:
                self._calendar = None
        return self._calendar

    def __call__(self, *, due: dt.date | None, unit: str, paused: bool = False, paused_on: dt.date | None = None,
                 done: bool = False) -> Countdown:
        key = (due, unit, paused, paused_on, done)
        found = self._seen.get(key)
        if found is None:
            needs_calendar = (unit == WORKING_DAYS) and due is not None and not done
            found = self._seen[key] = countdown(
                due=due, unit=unit, today=self.today, calendar=self.calendar if needs_calendar else None,
                paused=paused, paused_on=paused_on, done=done)
        return found

