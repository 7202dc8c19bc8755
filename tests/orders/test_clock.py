"""The clock: start, new cycle, trial end, scheduled cancellation and end, once each."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from accounts.actors import Actor
from orders.models import Invoice, Order, OrderEvent, OrderTimelineEntry, Payment
from orders.services.clock import RETRY_AFTER, clock_run
from orders.services.lifecycle import order_pause
from tests.orders.conftest import refreshed


def test_clock_starts_a_pending_order_at_its_start_date(clock, offline_order):
    # given an order starting in two days
    order = offline_order(start=clock.now + timedelta(days=2))
    # when the clock runs before and at the start
    clock.advance(days=1)
    assert clock_run() == 0
    clock.advance(days=1)
    assert clock_run() == 1
    # then it became active at its start, announcing the start
    done = refreshed(order)
    assert (done.status, done.current_cycle_index) == ("ACTIVE", 1)
    events = list(done.events.order_by("sequence").values_list("slug", flat=True))
    assert events[-2:] == ["updated", "started"]


def test_new_cycle_issues_an_invoice_and_charges_it(clock, online_order):
    # given a paid monthly order
    order = online_order(price="15.00")
    # when a month passes
    clock.set(order.next_transition_at)
    assert clock_run() == 1
    # then cycle 2 is invoiced and paid through the provider
    done = refreshed(order)
    assert done.current_cycle_index == 2
    invoice = done.invoices.get(cycle_index=2)
    assert (invoice.status, invoice.total) == ("PAID", Decimal("15.00"))
    assert invoice.payments.get().status == "SUCCEEDED"
    last = done.events.order_by("sequence").last()
    assert last.slug == "cycle_started"
    assert last.body["actionEvent"]["body"]["cycleNumber"] == 2


def test_trial_end_charges_the_first_cycle(clock, online_order):
    order = online_order(free_trial_days=7, price="9.00")
    clock.advance(days=7)
    clock_run()
    done = refreshed(order)
    assert (done.current_cycle_index, done.last_payment_status) == (1, "PAID")
    assert done.payments.get(amount__gt=0).amount == Decimal("9.00")


def test_without_retry_days_a_declined_renewal_cancels_for_payment_failure(
    clock, online_order, member_factory, settings
):
    # given no retries (TALLY_PAYMENT_RETRY_DAYS empty) and a buyer whose card will be declined
    settings.TALLY_PAYMENT_RETRY_DAYS = ""
    buyer = member_factory("carol", email="carol+decline@example.com")
    order = online_order(buyer=buyer, free_trial_days=3)
    # when the trial ends
    clock.advance(days=3)
    clock_run()
    # then the charge failed and the order is canceled for payment failure
    done = refreshed(order)
    assert (done.status, done.last_payment_status, done.cancellation_cause) == (
        "CANCELED",
        "FAILED",
        "PAYMENT_FAILURE",
    )
    assert done.payments.get(status="FAILED").failure_reason


def test_offline_renewal_is_invoiced_and_left_unpaid(clock, offline_order):
    order = offline_order(paid=True)
    clock.set(order.next_transition_at)
    clock_run()
    done = refreshed(order)
    assert done.last_payment_status == "UNPAID"
    assert done.invoices.get(cycle_index=2).status == "ISSUED"


def test_order_ends_at_its_end_date(clock, online_order):
    order = online_order(cycle_count=2)
    clock.set(order.end_date)
    assert clock_run() == 2  # the second cycle, then the end
    done = refreshed(order)
    assert done.status == "ENDED"
    assert done.next_transition_at is None
    assert done.invoices.count() == 2


def test_clock_catches_up_every_missed_transition_in_order(clock, offline_order):
    order = offline_order(start=clock.now + timedelta(days=1), cycle_count=3)
    clock.advance(days=200)
    assert clock_run() == 4  # start, cycles 2 and 3, end
    done = refreshed(order)
    assert done.status == "ENDED"
    assert list(done.invoices.values_list("cycle_index", flat=True)) == [1, 2, 3]


def test_clock_is_idempotent(clock, online_order):
    # given a due order
    order = online_order()
    clock.set(order.next_transition_at)
    clock_run()
    counts = (OrderEvent.objects.count(), Invoice.objects.count(), Payment.objects.count())
    # when the clock runs again at the same time
    assert clock_run() == 0
    # then nothing more is written
    assert (OrderEvent.objects.count(), Invoice.objects.count(), Payment.objects.count()) == counts


def test_paused_orders_are_not_renewed(clock, online_order, owner):
    order = online_order()
    order_pause(order.pk, actor=Actor.owner(owner))
    clock.advance(days=90)
    assert clock_run() == 0
    assert refreshed(order).invoices.count() == 1


def test_clock_reads_only_due_orders(
    clock, online_order, plan_factory, django_assert_max_num_queries
):
    for _ in range(5):
        online_order(plan=plan_factory())
    clock.advance(days=1)
    with django_assert_max_num_queries(3):  # the claim, its pause periods, the transaction
        assert clock_run() == 0


def test_clock_writes_a_batch_in_a_fixed_number_of_statements(
    clock, online_order, plan_factory, django_assert_max_num_queries
):
    orders = [online_order(plan=plan_factory()) for _ in range(20)]
    clock.set(max(o.next_transition_at for o in orders))
    # Two transactions around the provider's (batched) call: claim, bill and commit the
    # attempts; then record the answers. The count does not grow with the batch.
    with django_assert_max_num_queries(24):
        assert clock_run() == 20


def test_clock_transitions_are_on_the_timeline_as_the_clock(clock, online_order):
    order = online_order()
    clock.set(order.next_transition_at)
    clock_run()
    entry = OrderTimelineEntry.objects.filter(order=order).order_by("id").last()
    assert (entry.actor_kind, entry.action) == ("CLOCK", "cycle_started")


def test_clock_command_runs_the_clock(clock, online_order):
    order = online_order()
    clock.set(order.next_transition_at)
    out = StringIO()
    call_command("clock", "run", stdout=out)
    assert "1 transition(s) applied." in out.getvalue()


def test_worker_command_runs_one_round(clock, online_order):
    order = online_order()
    clock.set(order.next_transition_at)
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "clock: 1 done" in out.getvalue()
    assert refreshed(order).current_cycle_index == 2


def test_an_order_that_fails_is_retried_later_without_holding_up_the_others(
    clock, online_order, plan_factory
):
    # given two due orders, one of which cannot be processed
    broken, fine = online_order(plan=plan_factory()), online_order(plan=plan_factory())
    Order.objects.filter(pk=broken.pk).update(duration_unit="DECADE")
    clock.set(max(broken.next_transition_at, fine.next_transition_at))
    # when the clock runs
    assert clock_run() == 1
    # then the other order moved on, and the broken one waits, unchanged, for a retry
    assert refreshed(fine).current_cycle_index == 2
    stuck = refreshed(broken)
    assert stuck.next_transition_at == clock.now + RETRY_AFTER
    assert stuck.last_event_sequence == broken.last_event_sequence
    assert stuck.events.count() == broken.last_event_sequence


def test_a_large_batch_is_stored_as_a_single_change_would_be(clock, online_order, plan_factory):
    # given more due orders than the bulk writer's threshold (COPY on PostgreSQL)
    plan = plan_factory(price="12.34", description="Tabs\there, new\nlines and back\\slashes")
    orders = [online_order(plan=plan) for _ in range(60)]
    clock.set(orders[0].next_transition_at + timedelta(hours=1))
    # when the clock renews them in one batch
    assert clock_run(batch_size=100) == 60
    # then every row reads back exactly
    for order in orders:
        done = refreshed(order)
        invoice = done.invoices.get(cycle_index=2)
        assert (invoice.total, invoice.status, invoice.issued_date) == (
            Decimal("12.34"),
            "PAID",
            clock.now,
        )
        assert invoice.lines.get().amount == Decimal("12.34")
        assert invoice.payments.get().amount == Decimal("12.34")
        events = list(done.events.order_by("sequence"))
        assert [e.sequence for e in events] == list(range(1, done.last_event_sequence + 1))
        body = events[-1].body["actionEvent"]["body"]
        assert body["cycleNumber"] == 2
        assert body["order"]["planDescription"] == plan.description
        entry = done.timeline.order_by("id").last()
        assert (entry.action, entry.data, entry.at) == ("cycle_started", {"cycle": 2}, clock.now)
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 121))
