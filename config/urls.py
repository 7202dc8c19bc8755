"""Root URLs: the APIs, then the pages. Wire-contract paths have no trailing slash
(APPEND_SLASH is off); each app lists its own paths."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

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
    path("api/docs", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Sign in and out, password change and reset: Django's own views, our templates.
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("members.urls")),
]

handler404 = "config.views.not_found"
handler500 = "config.views.server_error"
