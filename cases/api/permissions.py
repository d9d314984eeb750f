"""Who may call the staff API. Scoping of rows is the selectors' job; these gate the endpoint."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from cases.errors import Forbidden
from cases.models import StaffProfile
from cases.selectors.scope import ACTING_ROLES, responsible, staff_of


class IsStaff(BasePermission):
    """A signed-in member of a unit. Auditors read; they never write."""

    def has_permission(self, request, view):
        staff = staff_of(request.user)
        if staff is None:
            return False
        if request.method in SAFE_METHODS:
            return True
        return staff.role != StaffProfile.Role.AUDITOR


def require_responsible(user, case, kind: str) -> None:
    """Permission before validation (issue 17): a write on a case answers 403 before its input is
    read unless the user acts (officer or leader) for a unit that answers for the case
    (``cases.selectors.scope.responsible``: entry, objection or repair). The service still applies
    its exact rule (the listing unit, a leader) once the input is valid."""
    staff = staff_of(user)
    acting = staff is not None and staff.role in ACTING_ROLES
    if not acting or not type(case).objects.filter(responsible(kind, [staff.unit_id]), pk=case.pk).exists():
        raise Forbidden(_("Only the responsible unit's staff may do this."), code="wrong_unit")
