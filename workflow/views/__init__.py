"""The officers' workspace (经办人工作台): pages over the same services and selectors as the API."""

from .cases import attachment_download, case_letters_box, case_page
from .dashboard import dashboard
from .queue import bulk_reassign, queue
from .substitutes import substitute_end, substitutes
from .tasks import task_case, task_claim, task_complete, task_detail, task_reassign, task_release

__all__ = ["attachment_download", "bulk_reassign", "case_letters_box", "case_page", "dashboard", "queue", "substitute_end", "substitutes", "task_case",
           "task_claim", "task_complete", "task_detail", "task_reassign", "task_release"]
