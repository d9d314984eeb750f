"""The project's URLs plus the letters API where the API conf will mount it (for the API tests)."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("api/v1/letters/", include("letters.api")), *project_urlpatterns]
