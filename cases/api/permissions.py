"""Who may call the staff API. Scoping of rows is the selectors' job; these gate the endpoint."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from cases.models import StaffProfile


def staff_of(user):
    return getattr(user, "staff", None) if user and user.is_authenticated else None


class IsStaff(BasePermission):
    """A signed-in member of a unit. Auditors read; they never write."""

    def has_permission(self, request, view):
        staff = staff_of(request.user)
        if staff is None:
            return False
        if request.method in SAFE_METHODS:
            return True
        return staff.role != StaffProfile.Role.AUDITOR


class IsAdministrator(BasePermission):
    def has_permission(self, request, view):
        staff = staff_of(request.user)
        if staff is None:
            return False
        return request.method in SAFE_METHODS or staff.role == StaffProfile.Role.ADMINISTRATOR
