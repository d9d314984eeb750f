"""Who is behind a request, and whose work they may read: the one scope rule (issue 20 item 3).

Every read that depends on who asks (the API's and the pages' entries, executions, restoration
tasks, objections, repairs, tasks, letters, the status check, the feedback report, the exports and
the auditors' console) takes its staff from ``staff_of`` and its units from here; the selectors
only add what their own rows look like. ``tests/architecture/test_one_scope_rule.py`` keeps it so.

- Nobody who is not staff (a visitor, a subject's account, a signed-in user without a staff
  profile) reads any unit's work: ``staff_of`` is None.
- An auditor (监督/审计) reads the units of their scope region and below. An auditor whose scope
  region is empty reads their own unit only: an empty region grants nothing wider (``staff_create``
  sets the unit's region when none is given, so an empty one was cleared on purpose).
- The credit lead office (社会信用体系建设牵头部门) reads the units of its region and below; its
  exports cover the same units (``lead_office_units``).
- Everybody else (officers, leaders) reads their own unit's work, and each kind of case says what
  their unit's part in it gives (``own_unit_cases``: an implementing unit reads the entries it
  applies measures on, a reporting unit the objections it reported).

A case is in a supervisor's scope when a unit responsible for it is one of those units
(``responsible``): an entry's listing or data-providing unit; an objection's accepting or verifying
unit or its entry's listing unit; a repair's deciding unit or the unit asked to verify performance.

Tasks are routed work, not cases: an officer or leader reads the tasks of their own unit, an
auditor those of every unit they supervise, anybody those escalated to their unit
(``tasks_readable``); the credit lead office supervises other units' tasks through the
escalations, not by reading their queues. Only an officer or leader of the task's unit acts on it
(``workflow.services.may_act``, the one place that decides).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from cases.models import MeasureExecution, Region, StaffProfile, Unit

Role = StaffProfile.Role
ACTING_ROLES = (Role.OFFICER, Role.LEADER)
CASE_KINDS = ("entry", "objection", "repair")


def staff_of(user) -> StaffProfile | None:
    """The staff profile behind a user (a request's user, a service's actor), or None: nobody, an
    anonymous visitor, or an account without a staff profile (a subject's)."""
    if user is None or not getattr(user, "is_authenticated", True):
        return None
    return getattr(user, "staff", None)


def is_administrator(user) -> bool:
    """Administrators keep the registry, the catalogue and the rules (Django admin, the registry's
    commands): an active ``is_staff`` account that is a superuser or has the ADMINISTRATOR role."""
    if user is None or not (getattr(user, "is_active", False) and getattr(user, "is_staff", False)):
        return False
    if user.is_superuser:
        return True
    staff = staff_of(user)
    return staff is not None and staff.role == Role.ADMINISTRATOR


def supervises(staff: StaffProfile) -> bool:
    return staff.role == Role.AUDITOR or staff.unit.is_credit_lead_office


def region_units(region: Region) -> QuerySet[Unit]:
    """The units of ``region`` and every region below it."""
    return Unit.objects.filter(region__code__startswith=region.descendant_codes_prefix())


def supervised_units(*, user) -> QuerySet[Unit]:
    """The units whose work ``user`` may read (the rule above)."""
    return units_supervised_by(user.staff)


def units_supervised_by(staff: StaffProfile) -> QuerySet[Unit]:
    if staff.role == Role.AUDITOR:
        region = staff.scope_region
    elif staff.unit.is_credit_lead_office:
        region = staff.unit.region
    else:
        region = None
    if region is None:
        return Unit.objects.filter(pk=staff.unit_id)
    return region_units(region)


def lead_office_units(staff: StaffProfile | None) -> QuerySet[Unit] | None:
    """The units a credit lead office's staff export (its region and below, whatever their role);
    None for anybody not of a credit lead office."""
    if staff is None or not staff.unit.is_credit_lead_office:
        return None
    return region_units(staff.unit.region)


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


def own_unit_cases(kind: str, unit: Unit) -> Q:
    """The cases of ``kind`` an officer's or leader's own unit reads: those it is responsible for,
    and those its part gives it (the executions it applies, the objections it reported)."""
    match = responsible(kind, [unit])
    if kind == "entry":
        match |= Q(Exists(MeasureExecution.objects.filter(entry=OuterRef("pk"), unit=unit)))
    elif kind == "objection":
        match |= Q(reporting_unit=unit)
    return match


def cases_readable(kind: str, staff: StaffProfile | None) -> Q | None:
    """The cases of ``kind`` (entry, objection, repair) ``staff`` reads; None: none at all."""
    if staff is None:
        return None
    if supervises(staff):
        return responsible(kind, units_supervised_by(staff))
    return own_unit_cases(kind, staff.unit)


def entry_parts_readable(staff: StaffProfile | None, entry=None) -> Q | None:
    """An entry's parts that belong to one implementing unit each (measure executions, restoration
    tasks): a supervisor reads those of every entry in scope, the listing or data-providing unit
    those of its entry (when asked about one), every other unit its own. None: none at all."""
    if staff is None:
        return None
    if supervises(staff):
        return responsible("entry", units_supervised_by(staff), via="entry__")
    if entry is not None and staff.unit_id in (entry.listing_unit_id, entry.data_providing_unit_id):
        return Q()
    return Q(unit=staff.unit)


def units_readable(staff: StaffProfile | None, field: str) -> Q | None:
    """Rows of a unit's own work (``field`` names the unit: a task's ``work__unit``, a letter's
    ``unit``): an officer or leader reads their own unit's, an auditor every unit they supervise.
    None: none at all (nobody, an administrator)."""
    if staff is None:
        return None
    if staff.role == Role.AUDITOR:
        return Q(**{f"{field}__in": units_supervised_by(staff)})
    if staff.role in ACTING_ROLES:
        return Q(**{field: staff.unit})
    return None


def tasks_readable(staff: StaffProfile | None) -> Q | None:
    """The tasks ``staff`` may open, open or closed: their units' (``units_readable``) and any
    escalated to their unit. None: none at all."""
    if staff is None:
        return None
    escalated = Q(work__escalated_to=staff.unit)
    own = units_readable(staff, "work__unit")
    return escalated if own is None else escalated | own
