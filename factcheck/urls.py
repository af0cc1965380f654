from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/auth/", include("accounts.api_urls")),
    path("api/v1/", include("annotations.api.urls")),
    path("", include("annotations.urls")),
]

# JSON for API clients (anything under /api/), Django's pages elsewhere (annotations.boundary).
handler400 = "annotations.boundary.views.bad_request"
handler403 = "annotations.boundary.views.permission_denied"
handler404 = "annotations.boundary.views.page_not_found"
handler500 = "annotations.boundary.views.server_error"
