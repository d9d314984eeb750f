from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cases import views as case_views

SWAGGER_UI_CSP = {"script-src": ["https://cdn.jsdelivr.net"], "style-src": ["https://cdn.jsdelivr.net"],
                  "img-src": ["https://cdn.jsdelivr.net", "data:"]}

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI comes from its CDN; its start-up script is served by the view itself (no inline script),
    # and only this page may load from the CDN (docs/operations.md, "Security headers").
    path("api/docs/", csp_update(SWAGGER_UI_CSP)(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
         name="api-docs"),
    path("api/v1/tasks/", include("workflow.api_urls")),
    path("api/v1/", include("cases.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("letters/", include("letters.urls")),
    path("public/", include("cases.public_urls")),
    path("portal/", include("cases.portal.urls")),
    path("work/", include("workflow.urls")),
    path("audit/", include("cases.audit.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("config.ops_urls")),
    path("", case_views.home, name="home"),
]

# Our error pages (config/errors.py): the site's layout in both languages; JSON under /api/.
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
