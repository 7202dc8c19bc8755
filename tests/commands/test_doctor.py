"""``manage.py doctor``: a database the services wrote passes; each invariant broken by hand
is reported with its order id and a non-zero exit, however the orders fall into batches."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from accounts.actors import Actor
from orders.dashboard import running
from orders.models import (
    CreditNote,
    Invoice,
    Order,
    OrderEvent,
    Payment,
    RunningMember,
    RunningTotal,
)
from orders.services import lifecycle
from orders.services.checkout import order_create_offline, order_create_online
from orders.services.clock import clock_run
from orders.services.refunds import payment_refund

pytestmark = pytest.mark.django_db

OWNER = Actor.system("owner")


def doctor(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("doctor", *args, stdout=out, stderr=StringIO())
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def orders(clock, plan_factory, member_factory):
    """Orders in every state, made by the services: active, pending, paused, canceled,
    ended, an unpaid online draft, with the clock run after a month."""
    monthly = plan_factory(price="10.00")
    short = plan_factory(price="5.00", cycle_count=1)
    made = {
        "active": order_create_offline(
            plan=monthly, buyer=member_factory(), actor=OWNER, paid=True
        ),
        "pending": order_create_offline(
            plan=monthly,
            buyer=member_factory(),
            actor=OWNER,
            paid=True,
            start_date=clock.now + timedelta(days=90),
        ),
        "paused": order_create_offline(
            plan=monthly, buyer=member_factory(), actor=OWNER, paid=True
        ),
        "canceled": order_create_offline(
            plan=monthly, buyer=member_factory(), actor=OWNER, paid=True
        ),
        "ended": order_create_offline(plan=short, buyer=member_factory(), actor=OWNER, paid=True),
        "draft": order_create_online(
            plan=monthly, buyer=(buyer := member_factory()), actor=Actor.member(buyer)
        ),
    }
    lifecycle.order_pause(made["paused"].pk, actor=OWNER)
    lifecycle.order_cancel(made["canceled"].pk, effective_at="IMMEDIATELY", actor=OWNER)
    clock.advance(days=45)
    clock_run()
    return {name: Order.objects.get(pk=order.pk) for name, order in made.items()}


@pytest.mark.parametrize("batch_size", ["1", "4", "10000"])
def test_a_database_the_services_wrote_passes(orders, batch_size):
    assert orders["ended"].status == "ENDED"
    code, out = doctor("--batch-size", batch_size)
    assert (code, out.strip()) == (0, "All invariants hold.")


@pytest.mark.parametrize("batch_size", ["1", "3", "10000"])
def test_a_gap_in_an_orders_events_is_reported_with_its_id(orders, batch_size):
    # given
    order = orders["active"]
    OrderEvent.objects.filter(order=order, sequence=1).delete()
    # when
    code, out = doctor("--batch-size", batch_size)
    # then
    assert code == 1
    assert f"event-sequence: order {order.pk}:" in out


def test_a_gap_in_invoice_numbers_is_reported(orders):
    draft_invoice = Invoice.objects.get(order=orders["draft"])
    Invoice.objects.filter(pk=draft_invoice.pk).update(number=draft_invoice.number + 100)
    code, out = doctor()
    assert code == 1
    assert "invoice-numbers" in out and f"order {orders['draft'].pk}" in out


def test_an_active_order_before_its_start_is_reported(orders, clock):
    order = orders["active"]
    Order.objects.filter(pk=order.pk).update(start_date=clock.now + timedelta(days=1))
    code, out = doctor()
    assert code == 1
    assert f"status-dates: order {order.pk}: ACTIVE before its start date" in out


def test_a_pending_order_whose_start_is_not_scheduled_is_reported(orders):
    order = orders["pending"]
    Order.objects.filter(pk=order.pk).update(next_transition_at=None)
    code, out = doctor()
    assert code == 1
    assert f"schedule: order {order.pk}: PENDING, but its start is not scheduled" in out


def test_work_left_due_past_the_grace_period_is_reported(orders, clock):
    order = orders["active"]
    Order.objects.filter(pk=order.pk).update(next_transition_at=clock.now - timedelta(hours=1))
    assert doctor("--grace-minutes", "120")[0] == 0
    code, out = doctor()
    assert code == 1
    assert f"schedule: order {order.pk}: due for more than the grace period" in out


def test_a_paused_order_without_an_open_pause_period_is_reported(orders, clock):
    order = orders["paused"]
    order.pause_periods.update(status="ENDED", resume_date=clock.now)
    code, out = doctor()
    assert code == 1
    assert f"pause-periods: order {order.pk}: PAUSED with 0 open pause period(s)" in out


def test_an_invoice_paid_beyond_its_total_is_reported(orders, clock):
    order = orders["active"]
    invoice = Invoice.objects.filter(order=order).first()
    Payment.objects.create(
        order=order,
        invoice=invoice,
        amount=Decimal("1.00"),
        currency=invoice.currency,
        status=Payment.Status.SUCCEEDED,
        method=Payment.Method.values[0],
        created_date=clock.now,
    )
    code, out = doctor()
    assert code == 1
    assert f"payments: order {order.pk}: invoice {invoice.number} has" in out


def test_a_payment_refunded_beyond_what_it_paid_is_reported(orders):
    # given a refund written by the service, then inflated by hand
    order = orders["active"]
    payment = Payment.objects.filter(order=order, status=Payment.Status.SUCCEEDED).first()
    payment_refund(payment_id=str(payment.pk), actor=OWNER, reason="OTHER", amount="1.00")
    assert doctor()[0] == 0
    CreditNote.objects.filter(payment=payment).update(amount=payment.amount + 1)
    # when
    code, out = doctor()
    # then
    assert code == 1
    assert f"credit-notes: order {order.pk}: payment {payment.transaction_id} has" in out


def test_kept_running_figures_that_disagree_with_the_orders_are_reported(orders):
    running.fold()
    RunningTotal.objects.filter(status="ACTIVE").update(orders=F("orders") + 1)
    RunningMember.objects.all().delete()
    code, out = doctor()
    assert code == 1
    active = "ACTIVE EUR MONTH 1 SUBSCRIPTION"
    kept = "kept 2 orders totalling 10.000, counted 1"
    assert f"running-figures: all orders: {active}: {kept}" in out
    assert "members with a running order: kept 0, counted 2" in out


def test_a_payment_naming_another_plan_is_reported(orders):
    payment = Payment.objects.filter(order=orders["active"]).first()
    Payment.objects.filter(pk=payment.pk).update(plan_name="Gold")
    code, out = doctor()
    assert code == 1
    order = orders["active"].pk
    assert f"payment-plan-names: order {order}: payment {payment.transaction_id}" in out
