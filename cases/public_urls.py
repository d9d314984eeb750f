"""Public pages (no sign-in): the disclosure search (公示)."""

from django.urls import path

from . import public_views

app_name = "public"

urlpatterns = [
    path("", public_views.search, name="search"),
]
