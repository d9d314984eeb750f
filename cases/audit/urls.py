"""The auditors' console (审计), read-only: /audit/."""

from django.urls import path

from .console import views

app_name = "audit"

urlpatterns = [
    path("", views.finder, name="finder"),
    path("<slug:kind>/<int:pk>/", views.case_timeline, name="case"),
    path("<slug:kind>/<int:pk>/as-of/", views.case_as_of_page, name="as_of"),
    path("<slug:kind>/<int:pk>/verify/", views.case_verify, name="verify"),
    path("<slug:kind>/<int:pk>/bundle.zip", views.case_bundle, name="bundle"),
    path("<slug:kind>/<int:pk>/letters/<int:letter_id>/", views.case_letter, name="letter"),
    path("<slug:kind>/<int:pk>/attachments/<int:attachment_id>/", views.case_attachment, name="attachment"),
]
