"""Who may act: checks shared by the services. Denials raise cases.errors.Forbidden (HTTP 403)."""

from django.utils.translation import gettext_lazy as _

from cases.errors import Forbidden
from cases.models import StaffProfile, UnitListRole
from cases.selectors.scope import ACTING_ROLES, is_administrator, staff_of

__all__ = ["ACTING_ROLES", "require_administrator", "require_leader", "require_list_role", "require_member",
           "require_staff"]


def require_administrator(actor) -> None:
    """The registry's writes that change what every unit may do (revoking a list type)."""
    if not is_administrator(actor):
        raise Forbidden(_("Only an administrator may do this."), code="administrator_required")


def require_staff(actor) -> StaffProfile:
    """The actor's staff profile (``cases.selectors.scope.staff_of``), or Forbidden."""
    staff = staff_of(actor)
    if staff is None:
        raise Forbidden(_("Only staff of a unit may do this."), code="not_staff")
    return staff


def require_member(actor, unit, *, roles=ACTING_ROLES) -> StaffProfile:
    """The actor works in ``unit`` with one of ``roles`` (auditors never act)."""
    staff = require_staff(actor)
    if staff.unit_id != unit.pk or staff.role not in roles:
        raise Forbidden(_("Only the responsible unit's staff may do this."), code="wrong_unit")
    return staff


def require_leader(actor, unit) -> StaffProfile:
    staff = require_member(actor, unit)
    if staff.role != StaffProfile.Role.LEADER:
        raise Forbidden(_("A unit leader must approve this."), code="leader_required")
    return staff


def require_list_role(unit, list_type, role) -> None:
    if not UnitListRole.objects.filter(unit=unit, list_type=list_type, role=role).exists():
        raise Forbidden(
            _("This unit does not play the required role for this list type."), code="unit_role_missing"
        )
