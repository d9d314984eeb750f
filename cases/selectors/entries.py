"""Reads of list entries, measure executions and restoration tasks, scoped to who asks.

- the listing unit and the data-providing unit see their entries and all their executions and
  restoration tasks;
- an implementing unit sees the entries it has executions on, and only its own executions and
  restoration tasks;
- the credit lead office and auditors see every entry of the units they supervise, with all its
  executions (``scope``: the one rule, which the auditors' console follows too).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from cases.models import ListEntry, MeasureExecution, RestorationTask, StaffProfile

from .scope import responsible, supervises, units_supervised_by

Role = StaffProfile.Role


def _staff(user):
    return getattr(user, "staff", None) if user is not None and user.is_authenticated else None


def _supervised(staff):
    """The units an auditor or the credit lead office reads (``scope``: the one rule); None for others."""
    return units_supervised_by(staff) if supervises(staff) else None


def entries_visible_to(*, user) -> QuerySet[ListEntry]:
    staff = _staff(user)
    base = ListEntry.objects.select_related("list_type", "subject", "listing_unit", "data_providing_unit")
    if staff is None:
        return base.none()
    units = _supervised(staff)
    if units is not None:
        return base.filter(responsible("entry", units))
    implementing = MeasureExecution.objects.filter(entry=OuterRef("pk"), unit=staff.unit)
    return base.filter(Q(listing_unit=staff.unit) | Q(data_providing_unit=staff.unit) | Exists(implementing))


def entry_for(*, user, pk: int) -> ListEntry | None:
    return entries_visible_to(user=user).filter(pk=pk).first()


def executions_visible_to(*, user, entry: ListEntry | None = None) -> QuerySet[MeasureExecution]:
    qs = MeasureExecution.objects.select_related("measure", "unit", "entry", "entry__subject", "entry__list_type")
    return _unit_parts_visible_to(qs, staff=_staff(user), entry=entry)


def restorations_visible_to(*, user, entry: ListEntry | None = None) -> QuerySet[RestorationTask]:
    qs = RestorationTask.objects.select_related("unit", "entry", "entry__subject", "entry__list_type")
    return _unit_parts_visible_to(qs, staff=_staff(user), entry=entry)


def _unit_parts_visible_to(qs: QuerySet, *, staff, entry: ListEntry | None) -> QuerySet:
    """An entry's parts that belong to one implementing unit each (executions, restoration tasks)."""
    if staff is None:
        return qs.none()
    if entry is not None:
        qs = qs.filter(entry=entry)
    units = _supervised(staff)
    if units is not None:
        return qs.filter(responsible("entry", units, via="entry__"))
    if entry is not None and staff.unit_id in (entry.listing_unit_id, entry.data_providing_unit_id):
        return qs
    return qs.filter(unit=staff.unit)
