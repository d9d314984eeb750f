from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from cases.audit.services import on_audit_event
        from notifications.events import ACTIONS, on_audit

        # Every audited change that must leave the system goes to the outbox in its own transaction.
        on_audit_event(on_audit, actions=ACTIONS)
