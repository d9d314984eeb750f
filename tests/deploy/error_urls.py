"""The site's URLs plus two that fail, for the error-page tests."""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns as site  # noqa: F401


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("api/v1/boom/", boom), path("portal/boom/", boom), *site]
