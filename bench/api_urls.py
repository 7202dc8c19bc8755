"""The site's URLs plus a bare view: the baseline bench/api_list.py compares the API with."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from orders.models import Order


def bare_orders(request: HttpRequest) -> JsonResponse:
    """The same 50 rows as the API's list page, straight from one query, no auth or shaping."""
    rows = list(
        Order.objects.filter(status="ACTIVE", plan_id=request.GET["plan"])
        .order_by("-created_date", "-id")
        .values()[:50]
    )
    return JsonResponse({"orders": rows}, encoder=DjangoJSONEncoder)


urlpatterns = [
    path("bench/bare-orders", bare_orders),
    path("", include("config.urls")),
]
