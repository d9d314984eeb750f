"""The officers' workspace (经办人工作台), mounted at /work/."""

from django.urls import path

from . import views

app_name = "work"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("reassign/", views.bulk_reassign, name="bulk-reassign"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/claim/", views.task_claim, name="task-claim"),
    path("tasks/<int:task_id>/release/", views.task_release, name="task-release"),
    path("tasks/<int:task_id>/reassign/", views.task_reassign, name="task-reassign"),
    path("tasks/<int:task_id>/complete/", views.task_complete, name="task-complete"),
    path("tasks/<int:task_id>/case/", views.task_case, name="task-case"),
    path("cases/<str:kind>/<int:pk>/", views.case_page, name="case"),
    path("cases/<str:kind>/<int:pk>/letters/", views.case_letters_box, name="case-letters"),
    path("cases/<str:kind>/<int:pk>/attachments/<int:attachment_id>/", views.attachment_download,
         name="attachment"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("substitutes/", views.substitutes, name="substitutes"),
    path("substitutes/<int:pk>/end/", views.substitute_end, name="substitute-end"),
]
