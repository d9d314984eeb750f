"""The site's URLs with DRF's ``StatusCheck`` answering the single status check itself, as it did
before the lean view: the reference the lean view is compared with (tests/api/test_status_lean_view.py)."""

from django.urls import path

from cases.api.status import StatusCheck
from config.urls import urlpatterns as site

urlpatterns = [path("api/v1/status/<str:identifier>/", StatusCheck.as_view(), name="status-check"), *site]
