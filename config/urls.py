"""Root URLs: the APIs, then the pages. Wire-contract paths have no trailing slash
(APPEND_SLASH is off); each app lists its own paths."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api import WhoAmIView
from config import views

# The owner's dashboard is the Django admin, named for the product on every page.
admin.site.site_header = "Tally"
admin.site.site_title = "Tally"
admin.site.index_title = "Dashboard"

urlpatterns = [
    path("", include("sessions_app.urls")),
    path("", include("orders.api.urls")),
    path("", include("receipts.urls")),
    path("", include("webhooks.urls")),
    path("api/v1/me", WhoAmIView.as_view(), name="api-me"),
    path("api/schema", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI from our own static files (drf-spectacular-sidecar), its start-up script
    # served apart (?script=) so the Content Security Policy needs no inline script.
    path("api/docs", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Sign in and out, password change and reset: Django's own views, our templates.
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("members.urls")),
    # Last: any other path under an API prefix is that API's 404, in debug mode too (where
    # Django would otherwise answer its HTML debug page).
    re_path(views.API_NOT_FOUND, views.api_not_found),
]

handler404 = "config.views.not_found"
handler500 = "config.views.server_error"
