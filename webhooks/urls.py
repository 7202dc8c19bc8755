"""Tally's webhook calls under /api/v1/ and the public keys at /.well-known/jwks.json."""

from django.urls import include, path

from webhooks.api import views

ENDPOINT = "<str:endpoint_id>"

api_v1 = [
    path(ENDPOINT, views.EndpointView.as_view(), name="webhook-endpoint"),
    path(f"{ENDPOINT}/deliveries", views.DeliveriesView.as_view(), name="webhook-deliveries"),
    path(f"{ENDPOINT}/replay", views.ReplayView.as_view(), name="webhook-replay"),
    path(f"{ENDPOINT}/rotate-secret", views.RotateSecretView.as_view(), name="webhook-rotate"),
]

urlpatterns = [
    path("api/v1/webhook-endpoints", views.EndpointListView.as_view(), name="webhook-endpoints"),
    path("api/v1/webhook-endpoints/", include(api_v1)),
    path(".well-known/jwks.json", views.JwksView.as_view(), name="webhooks-jwks"),
]
