from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Workflow and deadlines")

    def ready(self):
        from deadlines.recompute import register_holder
        from workflow.recompute import OpenTasks

        register_holder(OpenTasks())
