"""Operations endpoints: health, readiness, metrics (issue 9). Mounted at the site root."""

from django.urls import path

from config.ops import health, metrics

urlpatterns = [
    path("healthz", health.healthz, name="ops-healthz"),
    path("readyz", health.readyz, name="ops-readyz"),
    path("metrics", metrics.metrics_view, name="ops-metrics"),
]
