"""Publishing holiday data and recomputing what it moved: the services the command, the admin and
the background task call."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from deadlines.models import RecomputeRun
from deadlines.recompute import recompute_deadlines
from deadlines.rules import build_calendar
from deadlines.schedule import Published, Schedule, publish_schedule


def recompute_years(years, *, reason: str) -> RecomputeRun:
    """Recompute every open deadline that looked at ``years`` with the calendar as it is now, and
    record the run (what moved) for the administrator."""
    years = sorted({int(y) for y in years})
    run = RecomputeRun.objects.create(years=years, reason=reason[:255])
    # A fresh calendar from the tables, not a process cache that may predate the change.
    report = recompute_deadlines(years=years, reason=reason, calendar=build_calendar())
    moved = report.moved
    run.examined = report.examined
    run.moved = len(moved)
    run.held = sum(1 for m in report.moves if m.held)
    run.moves = [{**m.as_row(), "old_due": m.old_due.isoformat() if m.old_due else None,
                  "new_due": m.new_due.isoformat() if m.new_due else None} for m in report.moves
                 if m.old_due != m.new_due or m.held]
    run.finished_at = timezone.now()
    run.save()
    return run


def publish_and_recompute(schedule: Schedule) -> tuple[Published, RecomputeRun | None]:
    """Publish a year's schedule, then (after it committed) recompute what it moved. Publishing the
    same schedule twice recomputes nothing the second time."""
    with transaction.atomic():
        published = publish_schedule(schedule)
    if not published.changed:
        return published, None
    reason = f"{schedule.year}年节假日安排已公布（{schedule.source_document}）"
    return published, recompute_years([schedule.year], reason=reason)
