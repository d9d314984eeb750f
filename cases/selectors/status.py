"""The status check (应查必查): which measures must this unit apply to this subject, now or as of T."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from cases.models import ListEntry, ListEntryStatePeriod, MeasureImplementer


def _moment(as_of) -> dt.datetime:
    if isinstance(as_of, dt.datetime):
        return as_of
    # A date means the end of that day, local time.
    return timezone.make_aware(dt.datetime.combine(as_of, dt.time.max))


def measures_due(*, unit, subject, as_of: dt.date | dt.datetime | None = None) -> list[dict]:
    """Measures of the subject's listed entries that ``unit`` implements. Suspended and removed
    entries are excluded the moment their transaction commits; ``as_of`` answers from the
    state-period history."""
    if as_of is None:
        entries = ListEntry.objects.filter(subject=subject, state=ListEntry.State.ACTIVE)
    else:
        moment = _moment(as_of)
        entry_ids = ListEntryStatePeriod.objects.filter(
            subject=subject, state=ListEntry.State.ACTIVE, started_at__lte=moment
        ).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=moment)).values("entry_id")
        entries = ListEntry.objects.filter(pk__in=entry_ids)
    rows = (
        MeasureImplementer.objects.filter(unit=unit, measure__is_active=True)
        .filter(measure__list_types__entries__in=entries)
        .values(
            "measure__list_types__entries__id", "measure__list_types__entries__list_type__name",
            "measure__code", "measure__title", "measure__mandatory", "measure__legal_basis",
            "measure__legal_basis_verified",
        )
        .order_by("measure__list_types__entries__id", "-measure__mandatory", "measure__code")
    )
    return [
        {
            "entry": r["measure__list_types__entries__id"],
            "list_type": r["measure__list_types__entries__list_type__name"],
            "measure": r["measure__code"],
            "title": r["measure__title"],
            "mandatory": r["measure__mandatory"],
            "legal_basis": r["measure__legal_basis"],
            "legal_basis_verified": r["measure__legal_basis_verified"],
        }
        for r in rows
    ]
