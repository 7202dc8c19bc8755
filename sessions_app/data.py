"""What a session holds (``SessionData``) and what the API shows of it (``OrderSession``).

The token payload keeps the session data in its wire form (camelCase keys, ISO timestamps),
so what ``get`` shows is exactly what ``create`` normalised.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from django.utils.dateparse import parse_datetime

from orders.wire import timestamp
from sessions_app.errors import OrderSessionNotFound

DEFAULT_TTL_SECONDS = 86400
MIN_TTL_SECONDS = 60
MAX_TTL_SECONDS = 172800  # 48 h: key versions stay decrypt-only this long after rotation


class ContractSwitchType(StrEnum):
    REGULAR = "REGULAR"
    FULL_AMOUNT_PERIOD = "FULL_AMOUNT_PERIOD"
    DOWNGRADE = "DOWNGRADE"
    UPGRADE = "UPGRADE"


@dataclass(frozen=True)
class SessionData:
    plan_id: uuid.UUID
    member_id: uuid.UUID
    coupon_codes: tuple[str, ...] = ()
    start_date: datetime | None = None
    contract_switch_type: ContractSwitchType = ContractSwitchType.REGULAR
    switch_from_order_id: uuid.UUID | None = None
    submission_id: uuid.UUID | None = None
    ttl_seconds: int = DEFAULT_TTL_SECONDS

    @property
    def coupon_code(self) -> str | None:
        return self.coupon_codes[0] if self.coupon_codes else None

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "planId": str(self.plan_id),
            "memberId": str(self.member_id),
            "couponCodes": list(self.coupon_codes),
            "contractSwitchType": self.contract_switch_type.value,
            "ttlSeconds": self.ttl_seconds,
        }
        if self.start_date is not None:
            wire["startDate"] = timestamp(self.start_date)
        if self.switch_from_order_id is not None:
            wire["switchFromOrderId"] = str(self.switch_from_order_id)
        if self.submission_id is not None:
            wire["submissionId"] = str(self.submission_id)
        return wire

    @classmethod
    def from_wire(cls, wire: dict[str, Any]) -> SessionData:
        """Read back what ``to_wire`` wrote (the token is authenticated, so it is ours)."""
        return cls(
            plan_id=uuid.UUID(wire["planId"]),
            member_id=uuid.UUID(wire["memberId"]),
            coupon_codes=tuple(wire.get("couponCodes", ())),
            start_date=_datetime_or_none(wire.get("startDate")),
            contract_switch_type=ContractSwitchType(wire["contractSwitchType"]),
            switch_from_order_id=_uuid_or_none(wire.get("switchFromOrderId")),
            submission_id=_uuid_or_none(wire.get("submissionId")),
            ttl_seconds=int(wire["ttlSeconds"]),
        )


@dataclass(frozen=True)
class OrderSession:
    token: str
    sid: str
    wire_data: dict[str, Any]  # the session data as the token holds it: SessionData.to_wire()
    created_date: datetime
    expires_date: datetime
    order_id: uuid.UUID | None = field(default=None)

    @property
    def data(self) -> SessionData:
        """The session data read back (a payload in a format we no longer read is a session
        we no longer know)."""
        try:
            return SessionData.from_wire(self.wire_data)
        except (KeyError, TypeError, ValueError):
            raise OrderSessionNotFound() from None

    def to_wire(self, *, with_status: bool) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "orderSessionId": self.token,
            "sessionData": self.wire_data,
            "createdDate": timestamp(self.created_date),
            "expiresDate": timestamp(self.expires_date),
        }
        if with_status:
            wire["submitted"] = self.order_id is not None
            if self.order_id is not None:
                wire["orderId"] = str(self.order_id)
        return wire


def from_timestamp(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _uuid_or_none(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def _datetime_or_none(value: str | None) -> datetime | None:
    return parse_datetime(value) if value else None
