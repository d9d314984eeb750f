"""Reads of objection cases, scoped: the accepting, verifying, listing and reporting units see
their cases; the credit lead office and auditors see every case of the units they supervise
(``scope``: the one rule)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cases.models import ObjectionCase

from .scope import responsible, supervises, units_supervised_by


def objections_visible_to(*, user) -> QuerySet[ObjectionCase]:
    staff = getattr(user, "staff", None) if user is not None and user.is_authenticated else None
    base = ObjectionCase.objects.select_related("entry", "entry__list_type", "subject", "accepting_unit",
                                                "verifying_unit", "entry__listing_unit")
    if staff is None:
        return base.none()
    if supervises(staff):
        return base.filter(responsible("objection", units_supervised_by(staff)))
    unit = staff.unit
    return base.filter(Q(accepting_unit=unit) | Q(verifying_unit=unit) | Q(entry__listing_unit=unit)
                       | Q(reporting_unit=unit))
