"""Whose work a member of staff may read when they supervise: the one scope rule. The API's
selectors (entries, executions, objections, repairs, tasks, letters, the status check, the
feedback report) and the auditors' console all ask it here, so both front doors answer alike.

- An auditor (监督/审计) reads the units of their scope region and below. An auditor whose scope
  region is empty reads their own unit only: an empty region grants nothing wider (``staff_create``
  sets the unit's region when none is given, so an empty one was cleared on purpose).
- The credit lead office (社会信用体系建设牵头部门) reads the units of its region and below.
- Everybody else reads their own unit.

A case is in a supervisor's scope when a unit responsible for it is one of those units
(``responsible``): an entry's listing or data-providing unit; an objection's accepting or verifying
unit or its entry's listing unit; a repair's deciding unit or the unit asked to verify performance.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cases.models import StaffProfile, Unit


def supervises(staff: StaffProfile) -> bool:
    return staff.role == StaffProfile.Role.AUDITOR or staff.unit.is_credit_lead_office


def supervised_units(*, user) -> QuerySet[Unit]:
    """The units whose work ``user`` may read (the rule above)."""
    return units_supervised_by(user.staff)


def units_supervised_by(staff: StaffProfile) -> QuerySet[Unit]:
    if staff.role == StaffProfile.Role.AUDITOR:
        region = staff.scope_region
    elif staff.unit.is_credit_lead_office:
        region = staff.unit.region
    else:
        region = None
    if region is None:
        return Unit.objects.filter(pk=staff.unit_id)
    return Unit.objects.filter(region__code__startswith=region.descendant_codes_prefix())


def responsible(kind: str, units, *, via: str = "") -> Q:
    """The cases of ``kind`` (entry, objection, repair) a unit of ``units`` (a queryset, or a list)
    is responsible for; ``via`` reaches the case from a related row (``"entry__"`` for executions)."""
    if kind == "entry":
        names = ("listing_unit", "data_providing_unit")
    elif kind == "objection":
        names = ("entry__listing_unit", "verifying_unit", "accepting_unit")
    else:
        names = ("deciding_unit", "verification_unit")
    match = Q()
    for name in names:
        match |= Q(**{f"{via}{name}__in": units})
    return match
