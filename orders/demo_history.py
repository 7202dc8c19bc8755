"""Eighteen months of believable history for the demo, so every chart and filter shows something.

Each week from 18 months ago to now, a few members buy plans, a few orders are paused, resumed
or canceled, and the clock applies what fell due that week (renewals, trial ends, ends). It all
goes through the order services with the process clock pinned to that week
(``config.clock.travel``), exactly as the site would have done it live; buyers whose email
has ``+decline`` have their renewals declined by the test payment provider, so failed payments
and the cancellations they cause appear too. The random choices are seeded: every demo
database tells the same story.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from accounts.actors import Actor
from accounts.models import User
from config import clock
from config.errors import DomainError
from orders.models import Order, OrderStatus, Plan

MONTHS = 18
SEED = 20
# (plan name, weight): what demo members buy.
MIX = (
    ("Monthly (12 months)", 30),
    ("Monthly until canceled", 30),
    ("Yearly", 10),
    ("Summer pass (3 months)", 8),
    ("Lifetime", 4),
    ("Free", 18),
)
NEW_PER_WEEK = (2, 6)  # orders bought each week, at random in this range
PAUSE, CANCEL, TRIAL_DROP = 0.012, 0.01, 0.35  # weekly chances per order; trials dropped
DECLINE_EVERY = 9  # one buyer in nine has a card that is declined at renewal


@dataclass
class Story:
    plans: dict[str, Plan]
    rng: random.Random
    actor: Actor = field(default_factory=lambda: Actor.system("demo data"))
    buyers: int = 0
    resume_at: dict = field(default_factory=dict)  # order id -> when to resume it


def demo_history(plans: dict[str, Plan], *, months: int = MONTHS) -> None:
    """Replay ``months`` of buying, pausing and canceling, week by week, up to now."""
    story = Story(plans=plans, rng=random.Random(SEED))
    end = clock.now()
    week = end - relativedelta(months=months)
    while months and week < end:
        with clock.travel(week):
            _one_week(story, week)
        week += timedelta(weeks=1)
    _run_clock()
    if months:
        _catch_up_outbox_readers()


# Worker rounds after the replay: each round a job takes a batch of what is due.
CATCH_UP_ROUNDS = 200


def _catch_up_outbox_readers() -> None:
    """Let every registered worker job (the clock, and what apps above ``orders`` registered,
    such as member emails) take in the replayed history now, with mail kept in memory and
    dropped: those messages belong to the past, and the worker ``make run`` starts should
    not print hundreds of them. Only ``orders.worker``'s registry is read, so ``orders``
    imports no app above it."""
    from django.test import override_settings

    from orders.worker import registered_jobs

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for _ in range(CATCH_UP_ROUNDS):
            if not sum(job() for job in registered_jobs().values()):
                return


def _one_week(story: Story, week: datetime) -> None:
    for order_id, when in list(story.resume_at.items()):
        if when <= week:
            _try(_lifecycle().order_resume, order_id, actor=story.actor)
            del story.resume_at[order_id]
    for _ in range(story.rng.randint(*NEW_PER_WEEK)):
        _buy(story)
    _changes(story, week)
    _run_clock()


def _buy(story: Story) -> None:
    from orders.services.checkout import order_create_online
    from orders.services.payments import invoice_pay

    names, weights = zip(*MIX, strict=True)
    plan = story.plans[story.rng.choices(names, weights)[0]]
    buyer = _new_buyer(story)
    try:
        order = order_create_online(plan=plan, buyer=buyer, actor=story.actor)
    except DomainError:
        return
    if order.status == OrderStatus.DRAFT:
        invoice_pay(invoice=order.invoices.get(), outcome="SUCCEEDED", actor=story.actor)


def _new_buyer(story: Story) -> User:
    story.buyers += 1
    n = story.buyers
    decline = "+decline" if n % DECLINE_EVERY == 0 else ""
    user = User(username=f"member{n:04d}", email=f"member{n:04d}{decline}@example.com")
    user.set_unusable_password()
    user.save()
    return user


def _changes(story: Story, week: datetime) -> None:
    """Pauses, cancellations, and trials dropped before they are paid."""
    lifecycle = _lifecycle()
    running = Order.objects.filter(status=OrderStatus.ACTIVE)
    for order in running.only("pk", "current_cycle_index", "pricing_model"):
        roll = story.rng.random()
        if order.current_cycle_index == 0 and roll < TRIAL_DROP / 2:
            _try(lifecycle.order_cancel, order.pk, effective_at="IMMEDIATELY", actor=story.actor)
        elif roll < PAUSE:
            if _try(lifecycle.order_pause, order.pk, actor=story.actor):
                weeks = story.rng.randint(1, 6)
                story.resume_at[order.pk] = week + timedelta(weeks=weeks)
        elif roll < PAUSE + CANCEL:
            subscription = order.pricing_model == "SUBSCRIPTION"
            at_cycle_end = subscription and story.rng.random() < 0.7
            effective = "NEXT_PAYMENT_DATE" if at_cycle_end else "IMMEDIATELY"
            _try(lifecycle.order_cancel, order.pk, effective_at=effective, actor=story.actor)


def _run_clock() -> None:
    from orders.services.clock import clock_run

    clock_run()


def _lifecycle():
    from orders.services import lifecycle

    return lifecycle


def _try(service, order_id, **kwargs) -> bool:
    """A refused change (the order moved on meanwhile) is part of the story, not an error."""
    try:
        service(order_id, **kwargs)
    except DomainError:
        return False
    return True
