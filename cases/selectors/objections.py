"""Reads of objection cases, scoped: the accepting, verifying, listing and reporting units see
their cases; the credit lead office and auditors see every case of units in their region."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cases.models import ObjectionCase, StaffProfile


def objections_visible_to(*, user) -> QuerySet[ObjectionCase]:
    staff = getattr(user, "staff", None) if user is not None and user.is_authenticated else None
    base = ObjectionCase.objects.select_related("entry", "entry__list_type", "subject", "accepting_unit",
                                                "verifying_unit", "entry__listing_unit")
    if staff is None:
        return base.none()
    if staff.role == StaffProfile.Role.AUDITOR or staff.unit.is_credit_lead_office:
        region = (staff.scope_region if staff.role == StaffProfile.Role.AUDITOR else None) or staff.unit.region
        return base.filter(entry__listing_unit__region__code__startswith=region.descendant_codes_prefix())
    unit = staff.unit
    return base.filter(Q(accepting_unit=unit) | Q(verifying_unit=unit) | Q(entry__listing_unit=unit)
                       | Q(reporting_unit=unit))
