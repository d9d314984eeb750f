from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = _("Workflow and deadlines")

    def ready(self):
        from cases.selectors.case_tasks import register_entry_tasks_reader
        from deadlines.recompute import register_holder
        from workflow import dispatch
        from workflow.api import open_task_rows, task_rows_of_entry
        from workflow.recompute import OpenTasks

        register_holder(OpenTasks())
        register_entry_tasks_reader(open_task_rows, task_rows_of_entry)
        dispatch.subscribe()
