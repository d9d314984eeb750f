from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from cases.audit.services import on_audit_anchor, on_audit_event
        from notifications.events import ACTIONS, on_anchor, on_audit

        # Every audited change that must leave the system goes to the outbox in its own transaction.
        on_audit_event(on_audit, actions=ACTIONS)
        # Every audit anchor goes to the platform too (an external copy; docs/adr/0006).
        on_audit_anchor(on_anchor)
