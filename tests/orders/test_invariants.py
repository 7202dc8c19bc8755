"""Property tests: random plans, random actions and random clock moves keep the invariants.

- after the clock ran, every started order's status matches its dates;
- end date = planned end + paused time + postponements (orders not cut short);
- exactly one open pause period while PAUSED, none otherwise;
- each order's event sequence is 1, 2, 3 ... with no gaps;
- every change has a timeline entry (one per "updated" event, plus the creation);
- invoice numbers are 1, 2, 3 ... with no gaps.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from accounts.actors import Actor
from config import clock as tally_clock
from config.errors import DomainError
from orders.models import (
    Invoice,
    Order,
    OrderEvent,
    OrderStatus,
    OrderTimelineEntry,
    PricingModel,
)
from orders.services import lifecycle, schedule
from orders.services.catalogue import plan_upsert
from orders.services.checkout import order_create_offline, order_create_online
from orders.services.clock import clock_run
from orders.services.payments import invoice_pay
from tests.conftest import START, make_member

_names = itertools.count(1)

plans = st.one_of(
    st.fixed_dictionaries(
        {
            "pricing_model": st.just(PricingModel.SUBSCRIPTION),
            "duration_unit": st.sampled_from(["DAY", "WEEK", "MONTH", "YEAR"]),
            "duration_count": st.integers(1, 3),
            "cycle_count": st.integers(0, 12),
            "free_trial_days": st.one_of(st.none(), st.integers(1, 20)),
            "price": st.sampled_from([Decimal("0"), Decimal("9.99"), Decimal("30")]),
        }
    ),
    st.fixed_dictionaries(
        {
            "pricing_model": st.just(PricingModel.SINGLE_PAYMENT_FOR_DURATION),
            "duration_unit": st.sampled_from(["DAY", "WEEK", "MONTH"]),
            "duration_count": st.integers(1, 3),
            "price": st.sampled_from([Decimal("0"), Decimal("25")]),
        }
    ),
    st.fixed_dictionaries(
        {
            "pricing_model": st.just(PricingModel.SINGLE_PAYMENT_UNLIMITED),
            "price": st.sampled_from([Decimal("0"), Decimal("100")]),
        }
    ),
)
moves = st.one_of(
    st.integers(1, 72).map(lambda h: timedelta(hours=h)),
    st.integers(1, 20).map(lambda d: timedelta(days=d)),
)


def status_for_dates(order: Order, at: datetime) -> str:
    """The status a started, unpaused order has at ``at`` judged by its dates alone."""
    if order.end_date is not None and order.end_date <= at:
        return OrderStatus.CANCELED if order.cancellation_cause else OrderStatus.ENDED
    return OrderStatus.PENDING if order.start_date > at else OrderStatus.ACTIVE


class OrderLifecycle(RuleBasedStateMachine):
    orders = Bundle("orders")

    def __init__(self) -> None:
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()  # each example is rolled back in teardown
        tally_clock.override(START)
        self.buyer = make_member(f"buyer{next(_names)}")
        self.owner = Actor.system("owner")
        self.cut_short: set = set()  # ended or canceled before their planned end

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)
        tally_clock.override(None)

    @initialize()
    def started(self) -> None:
        pass

    @rule(target=orders, spec=plans, online=st.booleans(), paid=st.booleans(), later=st.booleans())
    def buy(self, spec, online, paid, later):
        plan = plan_upsert(name=f"Plan {next(_names)}", **spec)
        start = tally_clock.now() + timedelta(days=3) if later else None
        if online:
            order = order_create_online(
                plan=plan, buyer=self.buyer, actor=Actor.member(self.buyer), start_date=start
            )
            if paid and order.status == "DRAFT":
                invoice = order.invoices.get()
                invoice_pay(invoice=invoice, outcome="SUCCEEDED", actor=Actor.member(self.buyer))
        else:
            order = order_create_offline(
                plan=plan, buyer=self.buyer, actor=self.owner, start_date=start, paid=paid
            )
        return order.pk

    def attempt(self, call) -> None:
        try:
            call()
        except DomainError:
            pass  # refusals are tested one by one elsewhere; here only the invariants matter

    @rule(order_id=orders)
    def pause(self, order_id):
        self.attempt(lambda: lifecycle.order_pause(order_id, actor=self.owner))

    @rule(order_id=orders)
    def resume(self, order_id):
        self.attempt(lambda: lifecycle.order_resume(order_id, actor=self.owner))

    @rule(order_id=orders, delta=moves)
    def pause_for_a_while(self, order_id, delta):
        self.pause(order_id)
        self.time_passes(delta)
        self.resume(order_id)

    @rule(order_id=orders, days=st.integers(-5, 60))
    def postpone(self, order_id, days):
        end = Order.objects.get(pk=order_id).end_date or tally_clock.now()
        self.attempt(
            lambda: lifecycle.order_postpone_end_date(
                order_id, end_date=end + timedelta(days=days), actor=self.owner
            )
        )

    @rule(order_id=orders, effective_at=st.sampled_from(["IMMEDIATELY", "NEXT_PAYMENT_DATE"]))
    def cancel(self, order_id, effective_at):
        self.attempt(
            lambda: lifecycle.order_cancel(order_id, effective_at=effective_at, actor=self.owner)
        )
        if Order.objects.filter(pk=order_id).exclude(cancellation_cause="").exists():
            self.cut_short.add(order_id)

    @rule(order_id=orders)
    def end_now(self, order_id):
        self.attempt(lambda: lifecycle.order_end_now(order_id, actor=self.owner, reason="test"))
        if Order.objects.filter(pk=order_id, status="ENDED", end_date=tally_clock.now()).exists():
            self.cut_short.add(order_id)

    @rule(order_id=orders)
    def mark_paid(self, order_id):
        self.attempt(lambda: lifecycle.order_mark_paid(order_id, actor=self.owner))

    @rule(order_id=orders)
    def pay_draft(self, order_id):
        invoice = Invoice.objects.filter(order_id=order_id, status="ISSUED").first()
        if invoice is not None:
            self.attempt(
                lambda: invoice_pay(invoice=invoice, outcome="SUCCEEDED", actor=self.owner)
            )

    @rule(delta=moves)
    def time_passes(self, delta):
        tally_clock.move(delta)
        clock_run()
        now = tally_clock.now()
        # Drafts unpaid for too long were canceled by the clock: cut short like a cancel.
        expired = Order.objects.filter(cancellation_cause="PAYMENT_SETUP_FAILURE")
        self.cut_short.update(expired.values_list("pk", flat=True))
        for order in Order.objects.prefetch_related("pause_periods"):
            if order.status in ("PENDING", "ACTIVE"):
                assert order.status == status_for_dates(order, now), order.pk
            assert order.next_transition_at is None or order.next_transition_at > now

    @invariant()
    def end_date_is_planned_plus_paused_plus_postponed(self):
        for order in Order.objects.exclude(pk__in=self.cut_short).exclude(planned_end_date=None):
            assert order.planned_end_date == schedule.planned_end(order)
            assert order.earliest_end_date == order.planned_end_date + order.paused_total
            assert order.end_date == (
                order.planned_end_date + order.paused_total + order.postponed_total
            )

    @invariant()
    def one_open_pause_exactly_while_paused(self):
        for order in Order.objects.all():
            open_pauses = order.pause_periods.filter(status="ACTIVE", resume_date=None).count()
            assert open_pauses == (1 if order.status == "PAUSED" else 0)
            assert order.pause_periods.count() == order.times_paused

    @invariant()
    def event_sequences_are_gap_free(self):
        for order in Order.objects.all():
            sequences = list(order.events.values_list("sequence", flat=True))
            assert sequences == list(range(1, order.last_event_sequence + 1))

    @invariant()
    def every_change_has_a_timeline_entry(self):
        for order in Order.objects.all():
            changes = OrderEvent.objects.filter(order=order, slug__in=["created", "updated"])
            assert OrderTimelineEntry.objects.filter(order=order).count() == changes.count()

    @invariant()
    def invoice_numbers_are_gap_free(self):
        numbers = list(Invoice.objects.order_by("number").values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.django_db
def test_random_lifecycles_keep_the_invariants(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    run_state_machine_as_test(
        OrderLifecycle,
        settings=settings_for_machine(),
    )


def settings_for_machine():
    return settings(
        max_examples=25,
        stateful_step_count=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
