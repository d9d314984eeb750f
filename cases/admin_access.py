"""Who may use the Django admin's pages: administrators (and superusers). The admin of every room
(cases/admin.py, cases/imports/admin.py, letters, notifications) builds on these."""

from __future__ import annotations

from cases.selectors.scope import is_administrator

__all__ = ["AdministratorAccess", "AdministratorReadOnly", "is_administrator"]


class AdministratorAccess:
    """Administrators may view, add and change; deleting is allowed where ``allow_delete`` says."""

    allow_delete = False

    def has_module_permission(self, request):
        return is_administrator(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return is_administrator(request.user) or super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request.user) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and (is_administrator(request.user) or super().has_delete_permission(request, obj))


class AdministratorReadOnly(AdministratorAccess):
    """Administrators may look; rows change only through the services (cases, letters, deliveries)."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
