"""Request shapes of the webhook-endpoint calls: types only; the services own the rules."""

from __future__ import annotations

from rest_framework import serializers

from config.fields import StrictBooleanField
from orders.api.serializers import Guid, Timestamp, enum
from webhooks.models import Delivery, Endpoint

MAX_LIMIT = 100
MAX_EVENT_IDS = 1000


class EndpointBody(serializers.Serializer):
    url = serializers.CharField(required=False, allow_blank=True, max_length=4096)
    eventTypes = serializers.ListField(
        child=serializers.CharField(allow_blank=True), required=False, max_length=50
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=4096)
    enabled = StrictBooleanField(required=False)


class CreateEndpointBody(EndpointBody):
    url = serializers.CharField(allow_blank=True, max_length=4096)
    format = serializers.CharField(required=False, default=Endpoint.Format.WIX)
    enabled = StrictBooleanField(required=False, default=True)


class DeliveriesQuery(serializers.Serializer):
    status = enum(Delivery.Status.choices, required=False)
    orderId = Guid(required=False)
    eventType = serializers.CharField(required=False, max_length=64)
    limit = serializers.IntegerField(required=False, default=50, min_value=1, max_value=MAX_LIMIT)
    offset = serializers.IntegerField(required=False, default=0, min_value=0)


class ReplayBody(serializers.Serializer):
    eventIds = serializers.ListField(
        child=Guid(), required=False, min_length=1, max_length=MAX_EVENT_IDS
    )
    orderId = Guid(required=False)
    since = Timestamp(required=False)
    until = Timestamp(required=False)
    onlyFailed = StrictBooleanField(required=False, default=False)

    def validate(self, data):
        given = [key for key in ("eventIds", "orderId", "since") if key in data]
        if len(given) != 1:
            raise serializers.ValidationError(
                {"eventIds": "give exactly one of eventIds, orderId or since."}
            )
        if "until" in data and "since" not in data:
            raise serializers.ValidationError({"until": "only goes with since."})
        if "since" in data and "until" in data and data["until"] <= data["since"]:
            raise serializers.ValidationError({"until": "must be after since."})
        return data
