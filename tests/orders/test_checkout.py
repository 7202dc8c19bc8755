"""Checkout: online and offline orders, their first invoice, coupons, limits and previews."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from accounts.actors import Actor
from orders.errors import (
    ArchivedPlan,
    BuyingForAnother,
    CouponError,
    FieldError,
    InvalidStartDate,
    MemberNotFound,
    MemberRequired,
    PurchaseLimitReached,
)
from orders.models import Coupon, Invoice, Order, OrderEvent, PricingModel, TaxSetting
from orders.services.catalogue import coupon_upsert, tax_set
from orders.services.checkout import (
    order_buyer,
    order_checkout_check,
    order_create_offline,
    order_create_online,
    order_preview,
)
from orders.services.pricing import price_quote
from orders.wire import order_to_wire


def buy(plan, buyer, **kwargs):
    return order_create_online(plan=plan, buyer=buyer, actor=Actor.member(buyer), **kwargs)


def sell_offline(plan, buyer, owner, **kwargs):
    return order_create_offline(plan=plan, buyer=buyer, actor=Actor.owner(owner), **kwargs)


def slugs(order):
    return list(order.events.order_by("sequence").values_list("slug", flat=True))


def test_online_order_is_a_draft_with_its_first_invoice(clock, member, plan_factory):
    # given a paid monthly plan
    plan = plan_factory(price="12.50")
    # when a member buys it
    order = buy(plan, member)
    # then the order waits for payment with one issued invoice of the plan's price
    assert (order.status, order.last_payment_status, order.type) == ("DRAFT", "UNPAID", "ONLINE")
    (invoice,) = order.invoices.all()
    assert (invoice.status, invoice.total, invoice.cycle_index) == ("ISSUED", Decimal("12.50"), 1)
    assert slugs(order) == ["created"]


def test_online_order_of_a_free_plan_starts_at_once(clock, member, plan_factory):
    order = buy(plan_factory(price="0"), member)
    assert (order.status, order.last_payment_status) == ("ACTIVE", "NOT_APPLICABLE")
    assert not order.invoices.exists()
    assert slugs(order) == ["created", "purchased", "started", "cycle_started"]


def test_online_order_needs_a_member(clock, plan_factory):
    with pytest.raises(MemberRequired) as refused:
        order_create_online(plan=plan_factory(), buyer=None, actor=Actor.system())
    assert refused.value.code == "MEMBER_REQUIRED"


def test_archived_plan_cannot_be_bought(clock, member, owner, plan_factory):
    plan = plan_factory(archived=True)
    for attempt in (lambda: buy(plan, member), lambda: sell_offline(plan, member, owner)):
        with pytest.raises(ArchivedPlan) as refused:
            attempt()
        assert refused.value.code == "archived_plan"
    assert not Order.objects.exists()


def test_start_date_in_the_past_is_invalid(clock, member, plan_factory):
    with pytest.raises(InvalidStartDate) as refused:
        buy(plan_factory(), member, start_date=clock.now - timedelta(hours=1))
    assert refused.value.code == "invalid_start_date"


def test_start_date_a_few_seconds_behind_is_accepted_as_now(clock, member, plan_factory):
    order = buy(plan_factory(price="0"), member, start_date=clock.now - timedelta(seconds=30))
    assert order.status == "ACTIVE"


def test_future_start_makes_a_paid_order_pending(clock, member, owner, plan_factory):
    order = sell_offline(plan_factory(), member, owner, start_date=clock.now + timedelta(days=3))
    assert order.status == "PENDING"
    assert order.next_transition_at == order.start_date


def test_pos_cannot_sell_a_recurring_plan(clock, member, plan_factory):
    with pytest.raises(FieldError) as refused:
        buy(plan_factory(), member, order_method="POS")
    assert refused.value.rule == "RECURRING_POS_UNSUPPORTED"


def test_offline_order_unpaid_is_active_and_unpaid(clock, member, owner, plan_factory):
    order = sell_offline(plan_factory(), member, owner)
    assert (order.status, order.last_payment_status, order.type) == ("ACTIVE", "UNPAID", "OFFLINE")
    assert order.invoices.get().status == "ISSUED"
    assert slugs(order) == ["created", "purchased", "started"]


def test_offline_order_paid_records_an_offline_payment(clock, member, owner, plan_factory):
    order = sell_offline(plan_factory(price="20.00"), member, owner, paid=True)
    assert order.last_payment_status == "PAID"
    payment = order.payments.get()
    assert (payment.method, payment.amount, payment.status) == (
        "OFFLINE",
        Decimal("20"),
        "SUCCEEDED",
    )
    assert order.invoices.get().status == "PAID"


def test_offline_order_of_a_free_plan_is_not_applicable(clock, member, owner, plan_factory):
    order = sell_offline(plan_factory(price="0"), member, owner, paid=True)
    assert order.last_payment_status == "NOT_APPLICABLE"
    assert order.wix_pay_order_id is None


def test_offline_order_needs_a_known_member(clock, owner, plan_factory):
    with pytest.raises(MemberNotFound) as refused:
        sell_offline(plan_factory(), None, owner)
    assert refused.value.code == "member_not_found"


def test_purchase_limit_refuses_online_orders_beyond_it(clock, member, plan_factory):
    # given a plan a buyer may hold once, already bought
    plan = plan_factory(purchase_limit=1)
    buy(plan, member)
    # when the buyer buys it again
    with pytest.raises(PurchaseLimitReached) as refused:
        buy(plan, member)
    # then the purchase is refused and nothing is stored
    assert refused.value.code == "purchases_limit_reached"
    assert Order.objects.count() == 1


def test_purchase_limit_counts_per_buyer(clock, member, other_member, plan_factory):
    plan = plan_factory(purchase_limit=1)
    buy(plan, member)
    assert buy(plan, other_member).status == "DRAFT"


def test_purchase_limit_frees_up_when_an_order_is_canceled(clock, member, plan_factory):
    from orders.services.lifecycle import order_cancel

    plan = plan_factory(purchase_limit=1)
    first = buy(plan, member)
    order_cancel(first.pk, effective_at="IMMEDIATELY", actor=Actor.member(member))
    assert buy(plan, member).status == "DRAFT"


def test_offline_orders_ignore_purchase_limits(clock, member, owner, plan_factory):
    plan = plan_factory(purchase_limit=1)
    sell_offline(plan, member, owner)
    assert sell_offline(plan, member, owner).status == "ACTIVE"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"enabled": False}, "ERROR_COUPON_IS_DISABLED"),
        ({"usage_limit": 1, "times_used": 1}, "ERROR_COUPON_USAGE_EXCEEDED"),
        ({"valid_from": "future"}, "ERROR_COUPON_IS_NOT_ACTIVE_YET"),
        ({"valid_until": "past"}, "ERROR_COUPON_HAS_EXPIRED"),
        ({"plans": "other"}, "ERROR_COUPON_NOT_APPLICABLE_FOR_PLAN"),
    ],
)
def test_coupon_refusals_carry_the_contract_code(clock, member, plan_factory, fields, code):
    # given a coupon that cannot be used for this purchase
    plan = plan_factory()
    spec = dict(fields)
    if spec.get("valid_from") == "future":
        spec["valid_from"] = clock.now + timedelta(days=1)
    if spec.get("valid_until") == "past":
        spec["valid_from"] = clock.now - timedelta(days=10)
        spec["valid_until"] = clock.now - timedelta(days=1)
    if spec.get("plans") == "other":
        spec["plans"] = [plan_factory()]
    times_used = spec.pop("times_used", 0)
    coupon = coupon_upsert(code="SAVE10", discount_type="PERCENT", value=Decimal(10), **spec)
    Coupon.objects.filter(pk=coupon.pk).update(times_used=times_used)
    # when it is used
    with pytest.raises(CouponError) as refused:
        buy(plan, member, coupon_code="save10")
    # then the refusal names the coupon and the plan
    assert refused.value.code == code
    assert refused.value.data == {"couponCode": "save10", "planId": str(plan.pk)}
    assert not Order.objects.exists()


def test_unknown_coupon_does_not_exist(clock, member, plan_factory):
    with pytest.raises(CouponError) as refused:
        buy(plan_factory(), member, coupon_code="NOPE")
    assert refused.value.code == "ERROR_COUPON_DOES_NOT_EXIST"


def test_coupon_on_a_free_plan_is_an_invalid_subtotal(clock, member, plan_factory):
    coupon_upsert(code="SAVE10", discount_type="PERCENT", value=Decimal(10))
    with pytest.raises(CouponError) as refused:
        buy(plan_factory(price="0"), member, coupon_code="SAVE10")
    assert refused.value.code == "ERROR_INVALID_SUBTOTAL"


def test_coupon_limit_per_customer(clock, member, other_member, plan_factory):
    coupon_upsert(code="ONCE", discount_type="PERCENT", value=Decimal(10), per_buyer_limit=1)
    buy(plan_factory(), member, coupon_code="ONCE")
    with pytest.raises(CouponError) as refused:
        buy(plan_factory(), member, coupon_code="ONCE")
    assert refused.value.code == "ERROR_COUPON_LIMIT_PER_CUSTOMER_EXCEEDED"
    assert buy(plan_factory(), other_member, coupon_code="ONCE").coupon_code == "ONCE"


def test_coupon_discount_is_on_the_order_and_its_invoice(clock, member, plan_factory):
    coupon_upsert(code="SAVE10", discount_type="PERCENT", value=Decimal(10))
    order = buy(plan_factory(price="25.00"), member, coupon_code="SAVE10")
    assert (order.subtotal, order.discount, order.total) == (
        Decimal("25.00"),
        Decimal("2.50"),
        Decimal("22.50"),
    )
    invoice = order.invoices.get()
    assert invoice.total == Decimal("22.50")
    assert list(invoice.lines.values_list("kind", flat=True)) == ["PLAN", "DISCOUNT"]
    assert Coupon.objects.get(code="SAVE10").times_used == 1


def test_fixed_coupon_never_takes_the_price_below_zero(clock, member, plan_factory):
    coupon_upsert(code="BIG", discount_type="FIXED_AMOUNT", value=Decimal(100))
    quote = price_quote(plan=plan_factory(price="10.00"), coupon=Coupon.objects.get(code="BIG"))
    assert (quote.discount, quote.total) == (Decimal("10.00"), Decimal("0.00"))


def test_tax_added_on_top_is_a_line_of_the_invoice(clock, member, plan_factory):
    tax_set(name="VAT", rate=Decimal("20"), included_in_price=False)
    order = buy(plan_factory(price="10.00"), member)
    assert (order.tax_amount, order.total) == (Decimal("2.00"), Decimal("12.00"))
    assert order.invoices.get().lines.filter(kind="TAX").exists()


def test_tax_included_in_the_price_is_extracted(clock, plan_factory):
    tax_set(name="VAT", rate=Decimal("25"), included_in_price=True)
    quote = price_quote(plan=plan_factory(price="10.00"))
    assert (quote.tax_amount, quote.total) == (Decimal("2.00"), Decimal("10.00"))
    assert quote.prices[0]["price"]["tax"] == {
        "name": "VAT",
        "includedInPrice": True,
        "rate": "25.00",
        "amount": "2.00",
    }


def test_price_preview_spans_the_plan_cycles(clock, plan_factory):
    quote = price_quote(plan=plan_factory(price="9.99", cycle_count=6))
    assert quote.prices == [
        {
            "duration": {"cycleFrom": 1, "numberOfCycles": 6},
            "price": {
                "subtotal": "9.99",
                "discount": "0.00",
                "total": "9.99",
                "currency": "EUR",
                "proration": "0",
            },
        }
    ]
    assert quote.price_details["total"] == "9.99"


def test_single_payment_spans_one_cycle(clock, one_time_plan):
    assert price_quote(plan=one_time_plan).prices[0]["duration"] == {
        "cycleFrom": 1,
        "numberOfCycles": 1,
    }


def test_invoice_numbers_are_sequential_without_gaps(clock, member, owner, plan_factory):
    # given purchases, one of them refused half way
    plan = plan_factory(purchase_limit=2)
    buy(plan, member)
    buy(plan, member)
    with pytest.raises(PurchaseLimitReached):
        buy(plan, member)
    sell_offline(plan, member, owner)
    # then the numbers run 1, 2, 3
    assert list(Invoice.objects.values_list("number", flat=True)) == [1, 2, 3]


def test_preview_stores_nothing_and_shows_zero_ids(clock, member, plan_factory):
    # given a plan
    plan = plan_factory(price="10.00")
    # when an online order is previewed
    preview = order_preview(plan=plan, buyer=member, order_type="ONLINE")
    # then the order is shown with zero ids, and nothing is stored
    wire = order_to_wire(preview.order)
    assert wire["id"] == wire["subscriptionId"] == "00000000-0000-0000-0000-000000000000"
    assert wire["status"] == "DRAFT"
    assert preview.purchase_limit_exceeded is False
    assert not Order.objects.exists() and not OrderEvent.objects.exists()


def test_offline_preview_shows_the_status_by_start_date(clock, member, plan_factory):
    preview = order_preview(
        plan=plan_factory(), buyer=member, order_type="OFFLINE", start_date=clock.now + timedelta(1)
    )
    assert (preview.order.status, preview.order.last_payment_status) == ("PENDING", "UNPAID")


def test_preview_reports_the_purchase_limit_without_enforcing_it(clock, member, plan_factory):
    plan = plan_factory(purchase_limit=1)
    buy(plan, member)
    preview = order_preview(plan=plan, buyer=member, order_type="ONLINE")
    assert preview.purchase_limit_exceeded is True


def test_preview_refuses_an_invalid_coupon(clock, member, plan_factory):
    with pytest.raises(CouponError):
        order_preview(plan=plan_factory(), buyer=member, order_type="ONLINE", coupon_code="X")


def test_checkout_check_raises_what_create_would_and_stores_nothing(clock, member, plan_factory):
    plan = plan_factory(purchase_limit=1)
    order_checkout_check(plan=plan, buyer=member)
    buy(plan, member)
    with pytest.raises(PurchaseLimitReached):
        order_checkout_check(plan=plan, buyer=member)
    assert Order.objects.count() == 1


def test_order_keeps_the_plan_as_bought(clock, member, plan_factory):
    from orders.services.catalogue import plan_upsert

    plan = plan_factory(name="Gold", price="10.00", description="Shiny")
    order = buy(plan, member)
    plan_upsert(name="Gold", price=Decimal("99.00"), description="Changed")
    order.refresh_from_db()
    assert (order.plan_name, order.plan_description, order.plan_price) == (
        "Gold",
        "Shiny",
        Decimal("10.00"),
    )


def test_extra_invoice_lines_land_on_the_first_invoice(clock, member, plan_factory):
    from orders.services.invoicing import ExtraLine

    order = buy(
        plan_factory(price="30.00"),
        member,
        extra_invoice_lines=[ExtraLine("Credit for the unused part", Decimal("-7.25"))],
    )
    invoice = order.invoices.get()
    assert invoice.total == Decimal("22.75")
    assert invoice.lines.get(kind="PRORATION").amount == Decimal("-7.25")


def test_money_is_decimal_and_timestamps_are_aware_utc(clock, member, owner, plan_factory):
    order = Order.objects.get(pk=sell_offline(plan_factory(), member, owner, paid=True).pk)
    for value in (order.total, order.subtotal, order.payments.get().amount):
        assert isinstance(value, Decimal)
    for value in (order.start_date, order.created_date, order.events.first().created_date):
        assert value.utcoffset() == timedelta(0)


def test_tax_setting_default_is_zero(db):
    assert TaxSetting.current().rate == 0


def test_one_time_plan_has_no_trial_and_one_cycle(clock, member, owner, one_time_plan):
    order = sell_offline(one_time_plan, member, owner)
    assert order.pricing_model == PricingModel.SINGLE_PAYMENT_FOR_DURATION
    assert order.end_date.date().isoformat() == "2026-04-15"


def test_inactive_member_cannot_buy(clock, member, owner, plan_factory):
    plan = plan_factory()
    type(member).objects.filter(pk=member.pk).update(is_active=False)
    member.refresh_from_db()
    for create in (order_create_online, order_create_offline):
        with pytest.raises(MemberNotFound):
            create(plan=plan, buyer=member, actor=Actor.owner(owner))
    assert not Order.objects.exists()


def test_a_member_buys_only_for_themselves(member, other_member):
    assert order_buyer(caller=member, member_id=None) == member
    assert order_buyer(caller=member, member_id=member.member_id) == member
    with pytest.raises(BuyingForAnother):
        order_buyer(caller=member, member_id=other_member.member_id)


def test_an_app_buys_for_the_member_it_names(member):
    assert order_buyer(caller=None, member_id=member.member_id) == member
    assert order_buyer(caller=None, member_id=None) is None


def test_online_preview_leaves_the_order_out_at_the_purchase_limit(clock, member, plan_factory):
    plan = plan_factory(purchase_limit=1)
    buy(plan, member)
    assert order_preview(plan=plan, buyer=member, order_type="ONLINE").order is None
    assert order_preview(plan=plan, buyer=member, order_type="OFFLINE").order is not None
