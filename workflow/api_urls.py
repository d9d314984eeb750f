from django.urls import path

from . import api

urlpatterns = [
    path("", api.TaskQueue.as_view(), name="task-queue"),
    path("escalated/", api.EscalatedTasks.as_view(), name="task-escalated"),
    path("<int:pk>/", api.TaskDetail.as_view(), name="task-detail"),
    path("<int:pk>/claim/", api.TaskClaim.as_view(), name="task-claim"),
    path("<int:pk>/release/", api.TaskRelease.as_view(), name="task-release"),
    path("<int:pk>/reassign/", api.TaskReassign.as_view(), name="task-reassign"),
    path("<int:pk>/complete/", api.TaskComplete.as_view(), name="task-complete"),
]
