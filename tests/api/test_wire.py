"""The order's wire form (contract section 4): key names, types and always-present fields."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from orders.models import Order, OrderStatus, OrderType, PricingModel
from orders.wire import (
    ZERO_GUID,
    invoice_to_wire,
    order_to_wire,
    payment_to_wire,
    timeline_to_wire,
    timestamp,
)
from tests.api.factories import order_row, pause_row

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
ALWAYS_PRESENT = {
    "id",
    "planId",
    "subscriptionId",
    "buyer",
    "pricing",
    "type",
    "status",
    "lastPaymentStatus",
    "pausePeriods",
    "planName",
    "planDescription",
    "planPrice",
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(plan_factory, member, clock):
    plan = plan_factory(price="10.00", cycle_count=12, description="Monthly for a year")
    return order_row(plan=plan, buyer=member, at=clock.now)


def test_timestamps_are_utc_iso_with_milliseconds(clock):
    # given a time with microseconds
    at = clock.now + timedelta(microseconds=374_999)
    # when / then it is rendered as JavaScript's toISOString does
    assert timestamp(at) == "2026-01-15T12:00:00.374Z"


def test_order_carries_every_always_present_field(order):
    # when
    wire = order_to_wire(order)
    # then
    assert ALWAYS_PRESENT <= wire.keys()
    assert wire["buyer"].keys() == {"memberId", "contactId"}
    assert "prices" in wire["pricing"]
    assert wire["pausePeriods"] == []


def test_order_uses_rest_key_names_not_sdk_names(order):
    wire = order_to_wire(order)
    assert {"id", "createdDate", "updatedDate"} <= wire.keys()
    assert not any(key.startswith("_") for key in wire)


def test_money_is_a_decimal_string(order):
    wire = order_to_wire(order)
    assert wire["planPrice"] == "10.00"
    assert wire["priceDetails"]["total"] == "10.00"
    assert wire["priceDetails"]["currency"] == "EUR"


def test_timestamps_of_the_order_are_iso_strings(order):
    wire = order_to_wire(order)
    for key in ("startDate", "endDate", "createdDate", "updatedDate"):
        assert ISO_MS.match(wire[key]), key


def test_subscription_pricing_names_cycle_duration_and_count(order):
    wire = order_to_wire(order)
    assert wire["pricing"]["subscription"] == {
        "cycleDuration": {"count": 1, "unit": "MONTH"},
        "cycleCount": 12,
    }
    assert "singlePaymentUnlimited" not in wire["pricing"]


def test_single_payment_unlimited_order_has_no_end_date_nor_auto_renew(plan_factory, member, clock):
    # given
    plan = plan_factory(price="300", pricing_model=PricingModel.SINGLE_PAYMENT_UNLIMITED)
    order = order_row(plan=plan, buyer=member, at=clock.now, auto_renew_canceled=None)
    # when
    wire = order_to_wire(order)
    # then
    assert wire["pricing"]["singlePaymentUnlimited"] is True
    assert "endDate" not in wire
    assert "autoRenewCanceled" not in wire
    assert None not in wire.values()


def test_form_submission_data_only_with_the_full_field_set(order):
    # given
    order.submission_id = uuid.uuid4()
    order.submission_data = {"favourite": "blue"}
    # when
    basic, full = order_to_wire(order), order_to_wire(order, full=True)
    # then
    assert "submissionData" not in basic["formData"]
    assert basic["formData"]["submissionId"] == str(order.submission_id)
    assert full["formData"]["submissionData"] == {"favourite": "blue"}


def test_pause_periods_show_open_and_closed_pauses(order, clock):
    # given a pause that ended and one still open
    pause_row(order, at=clock.now, resumed=clock.now + timedelta(days=2))
    pause_row(order, at=clock.now + timedelta(days=5))
    # when
    periods = order_to_wire(order)["pausePeriods"]
    # then
    assert [p["status"] for p in periods] == ["ENDED", "ACTIVE"]
    assert "resumeDate" in periods[0] and "resumeDate" not in periods[1]


def test_cancellation_names_cause_and_effective_moment(order, clock):
    # given
    order.status = OrderStatus.CANCELED
    order.cancellation_cause = "MEMBER_ACTION"
    order.cancellation_effective_at = "IMMEDIATELY"
    order.cancellation_requested_date = clock.now
    # when
    wire = order_to_wire(order)
    # then
    assert wire["cancellation"] == {
        "requestedDate": timestamp(clock.now),
        "cause": "MEMBER_ACTION",
        "effectiveAt": "IMMEDIATELY",
    }
    assert "currentCycle" not in wire


def test_order_without_cancellation_has_no_cancellation(order):
    assert "cancellation" not in order_to_wire(order)


def test_coupon_shows_code_amount_and_id(order):
    # given
    order.coupon_code = "SAVE10"
    order.discount = Decimal("1.00")
    # when
    coupon = order_to_wire(order)["priceDetails"]["coupon"]
    # then
    assert coupon == {"code": "SAVE10", "amount": "1.00", "id": ZERO_GUID}


def test_prefetched_order_renders_without_queries(order, django_assert_num_queries):
    # given
    pause_row(order, at=order.start_date)
    loaded = Order.objects.select_related("buyer").prefetch_related("pause_periods").get()
    # when / then
    with django_assert_num_queries(0):
        order_to_wire(loaded, full=True)


def test_unsaved_preview_order_renders_without_queries(
    plan_factory, member, clock, django_assert_num_queries
):
    # given an order built in memory, as previews do
    plan = plan_factory(price="5.00", cycle_count=3)
    preview = Order(
        id=uuid.UUID(int=0),
        subscription_id=uuid.UUID(int=0),
        plan=plan,
        buyer=member,
        type=OrderType.ONLINE,
        status=OrderStatus.DRAFT,
        last_payment_status="UNPAID",
        plan_name=plan.name,
        plan_price=plan.price,
        currency="EUR",
        pricing_model=plan.pricing_model,
        duration_unit="MONTH",
        cycle_count=3,
        start_date=clock.now,
        created_date=clock.now,
        updated_date=clock.now,
    )
    # when
    with django_assert_num_queries(0):
        wire = order_to_wire(preview)
    # then
    assert wire["id"] == ZERO_GUID and wire["subscriptionId"] == ZERO_GUID


def test_payment_carries_its_transaction_id(order, clock):
    # given
    payment = order.payments.create(
        amount=Decimal("10"),
        currency="EUR",
        status="SUCCEEDED",
        method="TEST",
        created_date=clock.now,
    )
    # when
    wire = payment_to_wire(payment)
    # then
    assert wire["transactionId"] == payment.transaction_id
    assert wire["amount"] == "10.00" and wire["status"] == "SUCCEEDED"
    assert "invoiceId" not in wire


def test_timeline_entry_names_actor_and_statuses(order, clock):
    # given
    entry = order.timeline.create(
        at=clock.now,
        actor_kind="APP",
        actor_label="Shop",
        action="paused",
        status_before="ACTIVE",
        status_after="PAUSED",
    )
    # when
    wire = timeline_to_wire(entry)
    # then
    assert wire["actor"] == {"kind": "APP", "label": "Shop"}
    assert (wire["statusBefore"], wire["statusAfter"]) == ("ACTIVE", "PAUSED")


def test_invoice_lists_its_lines_with_money_strings(order, clock):
    # given
    invoice = order.invoices.create(
        number=1, currency="EUR", subtotal=Decimal("10"), total=Decimal("10"), issued_date=clock.now
    )
    invoice.lines.create(
        position=1, kind="PLAN", description="Plan", unit_price=Decimal("10"), amount=Decimal("10")
    )
    # when
    wire = invoice_to_wire(invoice)
    # then
    assert wire["number"] == 1 and wire["status"] == "ISSUED" and wire["total"] == "10.00"
    assert wire["lines"][0]["unitPrice"] == "10.00"
    assert "paidDate" not in wire
