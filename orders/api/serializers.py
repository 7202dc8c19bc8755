"""Request shapes of the pricing-plans API: what each call may carry, and its types.

They only parse: ids are GUIDs, enums are names, limits in range. Whether the request is
allowed (the plan on sale, the order in the right state) is for the services. Unknown fields
are ignored, as the official client may send fields we do not use.
"""

from __future__ import annotations

from rest_framework import serializers

from config.fields import StrictBooleanField, Timestamp
from orders.filters import MAX_ORDER_IDS, ORDER_STATUSES, PAYMENT_STATUSES
from orders.models import CancellationEffectiveAt, OrderMethod
from orders.selectors import SORT_FIELDS

FIELD_SETS = ("UNKNOWN_SET", "BASIC", "FULL")
SORT_ORDERS = ("ASC", "DESC")
MAX_LIMIT = 50
# The member list takes "up to 100" (the Wix docs' prose); the management list stays at 50.
MEMBER_MAX_LIMIT = 100


class Guid(serializers.UUIDField):
    """A GUID string. DRF would also take an integer as a UUID; the wire never sends one."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


def enum(choices, **kwargs) -> serializers.ChoiceField:
    values = [c[0] if isinstance(c, tuple) else c for c in choices]
    return serializers.ChoiceField(choices=values, **kwargs)


def guid_list(**kwargs) -> serializers.ListField:
    return serializers.ListField(child=Guid(), required=False, **kwargs)


class SortingSerializer(serializers.Serializer):
    fieldName = serializers.CharField(required=False, max_length=512)
    order = enum(SORT_ORDERS, required=False)

    def validate_fieldName(self, value: str) -> str:
        if value not in SORT_FIELDS:
            raise serializers.ValidationError(
                f"sorts by one of {', '.join(SORT_FIELDS)}.", code="invalid_sort_field"
            )
        return value


class MemberListOrdersQuery(serializers.Serializer):
    orderIds = guid_list(max_length=MAX_ORDER_IDS)
    planIds = guid_list()
    orderStatuses = serializers.ListField(child=enum(ORDER_STATUSES), required=False)
    paymentStatuses = serializers.ListField(child=enum(PAYMENT_STATUSES), required=False)
    autoRenewCanceled = serializers.BooleanField(required=False, allow_null=True, default=None)
    limit = serializers.IntegerField(min_value=1, max_value=MEMBER_MAX_LIMIT, default=MAX_LIMIT)
    offset = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    sorting = SortingSerializer(required=False)
    fieldSet = enum(FIELD_SETS, required=False, default="BASIC")


class ListOrdersQuery(MemberListOrdersQuery):
    buyerIds = guid_list()
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=MAX_LIMIT)


class GetOrderQuery(serializers.Serializer):
    fieldSet = enum(FIELD_SETS, required=False, default="BASIC")


class PostponeEndDateBody(serializers.Serializer):
    endDate = Timestamp()


class CancelBody(serializers.Serializer):
    effectiveAt = enum(CancellationEffectiveAt.choices)


class OnBehalfSerializer(serializers.Serializer):
    memberId = Guid()
    orderMethod = enum(OrderMethod.choices, required=False)


class PricePreviewBody(serializers.Serializer):
    planId = Guid()
    couponCode = serializers.CharField(required=False, min_length=1, max_length=20)


class OnlinePreviewBody(PricePreviewBody):
    startDate = Timestamp(required=False)


class OfflinePreviewBody(OnlinePreviewBody):
    memberId = Guid()


class CreateOnlineOrderBody(OnlinePreviewBody):
    onBehalf = OnBehalfSerializer(required=False)
    submissionId = Guid(required=False)


class CreateOfflineOrderBody(OfflinePreviewBody):
    paid = StrictBooleanField(required=False, default=False)
    submissionId = Guid(required=False)
