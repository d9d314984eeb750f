"""Reads of list entries, measure executions and restoration tasks, scoped to who asks.

- the listing unit and the data-providing unit see their entries and all their executions and
  restoration tasks;
- an implementing unit sees the entries it has executions on, and only its own executions and
  restoration tasks;
- the credit lead office and auditors see every entry of the units they supervise, with all its
  executions (``scope``: the one rule, which the auditors' console follows too).
"""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import ListEntry, MeasureExecution, RestorationTask

from .scope import cases_readable, entry_parts_readable, staff_of


def entries_visible_to(*, user) -> QuerySet[ListEntry]:
    base = ListEntry.objects.select_related("list_type", "subject", "listing_unit", "data_providing_unit")
    readable = cases_readable("entry", staff_of(user))
    return base.none() if readable is None else base.filter(readable)


def entry_for(*, user, pk: int) -> ListEntry | None:
    return entries_visible_to(user=user).filter(pk=pk).first()


def executions_visible_to(*, user, entry: ListEntry | None = None) -> QuerySet[MeasureExecution]:
    qs = MeasureExecution.objects.select_related("measure", "unit", "entry", "entry__subject", "entry__list_type")
    return _unit_parts_visible_to(qs, staff=staff_of(user), entry=entry)


def restorations_visible_to(*, user, entry: ListEntry | None = None) -> QuerySet[RestorationTask]:
    qs = RestorationTask.objects.select_related("unit", "entry", "entry__subject", "entry__list_type")
    return _unit_parts_visible_to(qs, staff=staff_of(user), entry=entry)


def _unit_parts_visible_to(qs: QuerySet, *, staff, entry: ListEntry | None) -> QuerySet:
    """An entry's parts that belong to one implementing unit each (executions, restoration tasks)."""
    readable = entry_parts_readable(staff, entry)
    if readable is None:
        return qs.none()
    if entry is not None:
        qs = qs.filter(entry=entry)
    return qs.filter(readable)
