from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "config.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self):
        from cases.audit.services import on_audit_event

        from .context import bind_case_from_audit_event

        # The case an audited change belongs to becomes the case id of the request or task.
        on_audit_event(bind_case_from_audit_event)
