"""Recomputing stored deadlines when the calendar changes (a year is published, an override
changes).

Every deadline the system keeps is a ``DeadlineComputation`` stored with its inputs (start, amount,
unit, pauses, extension). When holiday data changes, each open one whose computation looked at a
changed year is computed again from those inputs with the new calendar. This app does not know
where deadlines are kept: the apps that keep them register a *holder* (``register_holder``) that
finds its open deadlines touching some years, and re-dates them, one short transaction per case
(so no case lock is held for long), writing its own audit event and telling its own people.

A deadline the subject was told (in a letter or on the portal) is recomputed with ``not_before``
set to the date they were told: it may move later, never earlier.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from deadlines.calendar import ChinaCalendar, DeadlineComputation, compute_deadline

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Move:
    """One stored deadline whose date changed (or was held at the date the subject was told)."""

    holder: str
    case: str  # the case as its audit chain names it, e.g. "cases.objectioncase:12"
    label: str  # what a person reads: the case number or title and the step
    step: str
    old_due: dt.date | None
    new_due: dt.date | None
    held: bool = False  # the new date would have been earlier than the date the subject was told

    def as_row(self) -> dict:
        return {"holder": self.holder, "case": self.case, "label": self.label, "step": self.step,
                "old_due": self.old_due, "new_due": self.new_due, "held": self.held}


@dataclass
class RecomputeReport:
    years: tuple[int, ...]
    reason: str
    examined: int = 0
    moves: list[Move] = field(default_factory=list)

    @property
    def moved(self) -> list[Move]:
        return [m for m in self.moves if m.old_due != m.new_due]


class DeadlineHolder(Protocol):
    """A place that keeps deadlines (e.g. the open tasks)."""

    name: str

    def batches(self, years: frozenset[int], batch_size: int) -> Iterator[list]:
        """Keys of the cases whose open deadlines may have looked at ``years``, in batches."""

    def recompute(self, key, *, calendar: ChinaCalendar, years: frozenset[int], reason: str) -> list[Move]:
        """Recompute one case's open deadlines touching ``years`` in one transaction; return what moved."""


_holders: dict[str, DeadlineHolder] = {}


def register_holder(holder: DeadlineHolder) -> None:
    """Called from an app's ``ready()``; registering the same name again replaces the holder."""
    _holders[holder.name] = holder


def holders() -> tuple[DeadlineHolder, ...]:
    return tuple(_holders.values())


def touched_years(stored: dict) -> frozenset[int]:
    """The years a stored computation looked at (format 1 computations name no sources: the span
    from the start to the due date, or to today's year while paused)."""
    sources = stored.get("calendar_sources")
    if sources:
        return frozenset(int(year) for year in sources)
    start = stored.get("start")
    if not start:
        return frozenset()
    last = stored.get("due") or stored.get("raw_due")
    first_year = int(start[:4])
    last_year = int(last[:4]) if last else first_year + 1
    return frozenset(range(first_year, last_year + 1))


def recompute_stored(stored: dict, calendar: ChinaCalendar, *, not_before: dt.date | None = None) -> DeadlineComputation:
    """The same deadline computed again from its stored inputs with ``calendar``."""
    old = DeadlineComputation.from_dict(stored)
    return compute_deadline(
        start=old.start, amount=old.amount, unit=old.unit, calendar=calendar, pauses=old.pauses,
        extension=old.extension, rule_ref=old.rule_ref, not_before=not_before,
    )


def recompute_deadlines(
    *, years: Iterable[int], reason: str, calendar: ChinaCalendar, batch_size: int = 200
) -> RecomputeReport:
    """Recompute every open deadline, of every registered holder, that looked at ``years``.

    Re-running it with unchanged holiday data changes nothing (every computation is already the
    one the calendar gives)."""
    wanted = frozenset(int(y) for y in years)
    report = RecomputeReport(years=tuple(sorted(wanted)), reason=reason)
    for holder in holders():
        for batch in holder.batches(wanted, batch_size):
            for key in batch:
                report.examined += 1
                report.moves.extend(holder.recompute(key, calendar=calendar, years=wanted, reason=reason))
    logger.info("deadlines recomputed for %s: %d cases examined, %d deadlines moved",
                report.years, report.examined, len(report.moved))
    return report
