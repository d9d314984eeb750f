"""Reads of list entries and measure executions, scoped to who asks.

- the listing unit and the data-providing unit see their entries and all their executions;
- an implementing unit sees the entries it has executions on, and only its own executions;
- the credit lead office sees every entry of units in its region and below;
- auditors see every entry of units in their scope region.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from cases.models import ListEntry, MeasureExecution, StaffProfile

Role = StaffProfile.Role


def _staff(user):
    return getattr(user, "staff", None) if user is not None and user.is_authenticated else None


def _region_prefix(staff) -> str | None:
    if staff.role == Role.AUDITOR:
        return (staff.scope_region or staff.unit.region).descendant_codes_prefix()
    if staff.unit.is_credit_lead_office:
        return staff.unit.region.descendant_codes_prefix()
    return None


def entries_visible_to(*, user) -> QuerySet[ListEntry]:
    staff = _staff(user)
    base = ListEntry.objects.select_related("list_type", "subject", "listing_unit", "data_providing_unit")
    if staff is None:
        return base.none()
    prefix = _region_prefix(staff)
    if prefix is not None:
        return base.filter(listing_unit__region__code__startswith=prefix)
    implementing = MeasureExecution.objects.filter(entry=OuterRef("pk"), unit=staff.unit)
    return base.filter(Q(listing_unit=staff.unit) | Q(data_providing_unit=staff.unit) | Exists(implementing))


def entry_for(*, user, pk: int) -> ListEntry | None:
    return entries_visible_to(user=user).filter(pk=pk).first()


def executions_visible_to(*, user, entry: ListEntry | None = None) -> QuerySet[MeasureExecution]:
    staff = _staff(user)
    qs = MeasureExecution.objects.select_related("measure", "unit", "entry", "entry__subject", "entry__list_type")
    if staff is None:
        return qs.none()
    if entry is not None:
        qs = qs.filter(entry=entry)
    prefix = _region_prefix(staff)
    if prefix is not None:
        return qs.filter(entry__listing_unit__region__code__startswith=prefix)
    if entry is not None and staff.unit_id in (entry.listing_unit_id, entry.data_providing_unit_id):
        return qs
    return qs.filter(unit=staff.unit)
