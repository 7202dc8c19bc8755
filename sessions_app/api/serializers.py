"""Request parsing for the order-session endpoints (the wire names of the contract)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from config.api import parsed
from config.fields import StrictIntegerField, Timestamp
from orders.api.serializers import Guid
from sessions_app.data import (
    DEFAULT_TTL_SECONDS,
    MAX_TTL_SECONDS,
    MIN_TTL_SECONDS,
    ContractSwitchType,
    SessionData,
)
from sessions_app.services.checks import coupon_count_check

SWITCH_TYPES = tuple(t.value for t in ContractSwitchType)


class CouponCodesField(serializers.ListField):
    """Counts before it looks at each code: two or more is MORE_THAN_ONE_COUPON, however many."""

    def to_internal_value(self, data):
        if isinstance(data, list):
            coupon_count_check(data)
        return super().to_internal_value(data)


class SessionDataSerializer(serializers.Serializer):
    """``sessionData``."""

    planId = Guid()
    memberId = Guid()
    couponCodes = CouponCodesField(
        child=serializers.CharField(min_length=1, max_length=20), required=False, default=list
    )
    startDate = Timestamp(required=False, allow_null=True, default=None)
    contractSwitchType = serializers.ChoiceField(
        choices=SWITCH_TYPES, required=False, default=ContractSwitchType.REGULAR.value
    )
    switchFromOrderId = Guid(required=False, allow_null=True, default=None)
    submissionId = Guid(required=False, allow_null=True, default=None)
    ttlSeconds = StrictIntegerField(
        min_value=MIN_TTL_SECONDS, max_value=MAX_TTL_SECONDS, default=DEFAULT_TTL_SECONDS
    )


class CreateRequestSerializer(serializers.Serializer):
    sessionData = SessionDataSerializer()


def create_request(data: Any) -> SessionData:
    """The session data of a create request's body (400 naming each bad field)."""
    v = parsed(CreateRequestSerializer, data)["sessionData"]
    return SessionData(
        plan_id=v["planId"],
        member_id=v["memberId"],
        coupon_codes=tuple(v["couponCodes"]),
        start_date=v["startDate"],
        contract_switch_type=ContractSwitchType(v["contractSwitchType"]),
        switch_from_order_id=v["switchFromOrderId"],
        submission_id=v["submissionId"],
        ttl_seconds=v["ttlSeconds"],
    )


class PayRequestSerializer(serializers.Serializer):
    """An app testing its integration names the ``outcome``; otherwise the payment provider
    charges (the test provider takes a test ``cardNumber``, or approves without one)."""

    outcome = serializers.ChoiceField(choices=["SUCCEEDED", "FAILED"], required=False)
    cardNumber = serializers.RegexField(r"^[0-9 ]{12,23}$", required=False)  # noqa: N815

    def validate_cardNumber(self, value: str) -> str:  # noqa: N802
        return value.replace(" ", "")
