"""Buying a plan: online orders (DRAFT until paid), offline orders, and their previews.

Create and preview share every rule (plan, buyer, start date, coupon, purchase limit); a
preview stores nothing and shows all-zero ids. Creation runs in one transaction with the
first invoice. Two buyers' checkouts never wait for each other; one buyer's checkouts of a
limited plan take turns on the buyer's row, and checkouts with one coupon on the coupon's row,
so a limit or a coupon's last use admits exactly one of many simultaneous purchases.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db import IntegrityError, transaction

from accounts.actors import Actor
from accounts.models import User
from config import clock
from config.errors import DomainError
from orders import selectors
from orders.errors import (
    ArchivedPlan,
    BuyingForAnother,
    FieldError,
    InvalidStartDate,
    MemberNotFound,
    MemberRequired,
    PurchaseLimitReached,
)
from orders.models import (
    Order,
    OrderMethod,
    OrderStatus,
    OrderType,
    Payment,
    PaymentStatus,
    Plan,
)
from orders.selectors import member_get
from orders.services import schedule, transitions, trials
from orders.services.changes import Changes
from orders.services.invoicing import invoice_issue, invoice_settle
from orders.services.pricing import Quote, coupon_use, coupon_validate, price_preview
from orders.services.rules import START_DATE_LEEWAY

ZERO_ID = uuid.UUID(int=0)
# Statuses in which an order counts against the plan's per-buyer purchase limit.
HELD = (OrderStatus.DRAFT, OrderStatus.PENDING, OrderStatus.ACTIVE, OrderStatus.PAUSED)


@dataclass(frozen=True)
class OrderPreview:
    order: Order | None  # None: an online preview for a buyer at the plan's purchase limit
    purchase_limit_exceeded: bool
    free_trial_eligible: bool = False


def _start(start_date: datetime | None, at: datetime) -> datetime:
    if start_date is None:
        return at
    if start_date.tzinfo is None:
        raise InvalidStartDate("The start date needs a time zone (UTC).")
    if start_date < at - START_DATE_LEEWAY:
        raise InvalidStartDate(data={"startDate": start_date.isoformat()})
    return start_date


def _plan_check(plan: Plan) -> None:
    if plan.archived:
        raise ArchivedPlan(data={"planId": str(plan.pk)})


def purchase_limit_reached(plan: Plan, buyer: User | None) -> bool:
    """Whether ``buyer`` already holds as many orders of ``plan`` as it allows."""
    if plan.purchase_limit is None or buyer is None or buyer.pk is None:
        return False
    held = Order.objects.filter(buyer=buyer, plan=plan, status__in=HELD).count()
    return held >= plan.purchase_limit


def _buyer_check(buyer: User | None, *, missing: type[DomainError]) -> User:
    """Only an active member buys: a disabled account is refused as if it did not exist."""
    if buyer is None:
        raise missing()
    if not buyer.is_active:
        raise MemberNotFound(data={"memberId": str(buyer.member_id)})
    return buyer


def order_buyer(*, caller: User | None, member_id: uuid.UUID | None) -> User | None:
    """Who an online order is for: the calling member, or the member an app names.

    A member buys only for themselves; an app that names no member gets None, which the
    checkout refuses (MEMBER_REQUIRED).
    """
    if member_id is None:
        return caller
    if caller is not None and member_id != caller.member_id:
        raise BuyingForAnother()
    return member_get(member_id)


def order_checkout_check(
    *, plan: Plan, buyer: User | None, start_date=None, coupon_code: str | None = None
) -> None:
    """Raise what ``order_create_online`` would raise for these inputs; store nothing."""
    at = clock.now()
    _plan_check(plan)
    _buyer_check(buyer, missing=MemberRequired)
    _start(start_date, at)
    if coupon_code:
        coupon_validate(code=coupon_code, plan=plan, buyer=buyer, at=at)
    if purchase_limit_reached(plan, buyer):
        raise PurchaseLimitReached(data={"planId": str(plan.pk)})


def order_from_plan(
    plan: Plan, buyer, order_type: str, quote: Quote, start: datetime, at: datetime
) -> Order:
    """An unsaved DRAFT order of ``plan``: the plan's snapshot, the quote, the dates.

    The free trial is the plan's only if the buyer has not had it (``trials``)."""
    order = Order(
        buyer=buyer,
        plan=plan,
        type=order_type,
        status=OrderStatus.DRAFT,
        last_payment_status=PaymentStatus.UNPAID,
        plan_name=plan.name,
        plan_description=plan.description,
        plan_price=quote.plan_price,
        currency=plan.currency,
        pricing_model=plan.pricing_model,
        duration_count=plan.duration_count,
        duration_unit=plan.duration_unit,
        cycle_count=plan.cycle_count if plan.is_recurring else 0,
        free_trial_days=trials.trial_eligibility(plan=plan, buyer=buyer).free_trial_days,
        auto_renew_canceled=False if plan.is_recurring else None,
        created_date=at,
        updated_date=at,
        **quote.order_fields(),
    )
    transitions.dates_set(order, start)
    schedule.pauses_set(order, [])
    return order


def _open(order: Order, changes: Changes, payment_status: str) -> list[str]:
    """A paid (or free, or offline) order starts or waits for its start: the events to emit."""
    order.status = transitions.status_on_payment(order, changes.at)
    order.last_payment_status = payment_status
    slugs = ["created", "purchased"]
    if order.status == OrderStatus.ACTIVE:
        order.current_cycle_index = schedule.first_index(order)
        slugs += transitions.started_slugs(order)
    if payment_status != PaymentStatus.NOT_APPLICABLE:
        order.wix_pay_order_id = uuid.uuid4()
    return slugs


def _finish(order: Order, changes: Changes, actor: Actor, slugs: list[str]) -> Order:
    transitions.settle(order, changes)
    changes.log(order, actor=actor, action="created", before="")
    changes.emit(order, *slugs, extra={"cycle_started": {"cycleNumber": order.current_cycle_index}})
    changes.flush()
    return order


def order_of_submission(submission_id, *, plan: Plan, buyer: User) -> Order | None:
    """The order a form submission already made, which a checkout sent again answers.

    Refused when that order is of another plan or buyer: the id is not this checkout's.
    """
    if submission_id is None:
        return None
    found = Order.objects.filter(submission_id=submission_id).values_list("pk", flat=True)
    order_id = found.first()
    if order_id is None:
        return None
    order = selectors.order_get(order_id)
    if order.plan_id != plan.pk or order.buyer_id != buyer.pk:
        raise FieldError(
            "submissionId", "already made an order of another plan or buyer.", rule="VALID"
        )
    return order


def _once_per_submission(submission_id, plan: Plan, buyer: User, create) -> Order:
    """``create()``, unless the submission made an order already (even at this very moment:
    the unique submission id lets one of simultaneous checkouts in; the others answer it)."""
    done = order_of_submission(submission_id, plan=plan, buyer=buyer)
    if done is not None:
        return done
    try:
        return create()
    except IntegrityError:
        done = order_of_submission(submission_id, plan=plan, buyer=buyer)
        if done is None:
            raise
        return done


def _lock_buyer(buyer: User) -> None:
    """Checkouts of one buyer take turns here, so a purchase limit is counted once per turn."""
    User.objects.select_for_update().filter(pk=buyer.pk).values_list("pk", flat=True).first()


def order_create_online(
    *,
    plan: Plan,
    buyer: User | None,
    actor: Actor,
    start_date: datetime | None = None,
    coupon_code: str | None = None,
    order_method: str | None = None,
    submission_id=None,
    extra_invoice_lines: Iterable = (),
) -> Order:
    """An order bought on the site: DRAFT with its first invoice until that is paid.

    A free plan needs no payment: the order is PENDING or ACTIVE at once. A ``submission_id``
    that already made an order answers that order.
    """
    _plan_check(plan)
    buyer = _buyer_check(buyer, missing=MemberRequired)
    if order_method and order_method not in OrderMethod.values:
        raise FieldError(
            "onBehalf.orderMethod", "is not an order method", rule="UNKNOWN_ORDER_METHOD"
        )
    if order_method == OrderMethod.POS and plan.is_recurring:
        raise FieldError(
            "onBehalf.orderMethod",
            "POS cannot sell a recurring plan",
            rule="RECURRING_POS_UNSUPPORTED",
        )
    at = clock.now()
    start = _start(start_date, at)
    create = partial(
        _create_online,
        plan,
        buyer,
        actor,
        at,
        start,
        coupon_code,
        order_method,
        submission_id,
        extra_invoice_lines,
    )
    return _once_per_submission(submission_id, plan, buyer, create)


def _create_online(
    plan: Plan,
    buyer: User,
    actor: Actor,
    at: datetime,
    start: datetime,
    coupon_code: str | None,
    order_method: str | None,
    submission_id,
    extra_invoice_lines: Iterable,
) -> Order:
    with transaction.atomic():
        if plan.purchase_limit is not None:
            _lock_buyer(buyer)
            if purchase_limit_reached(plan, buyer):
                raise PurchaseLimitReached(data={"planId": str(plan.pk)})
        quote = price_preview(plan=plan, coupon_code=coupon_code, buyer=buyer, at=at, lock=True)
        if quote.coupon is not None:
            coupon_use(quote.coupon)
        order = order_from_plan(plan, buyer, OrderType.ONLINE, quote, start, at)
        order.order_method = order_method or ""
        order.submission_id = submission_id
        changes = Changes(at)
        changes.touch(order)
        if plan.is_free:
            slugs = _open(order, changes, PaymentStatus.NOT_APPLICABLE)
        else:
            slugs = ["created"]
            invoice = invoice_issue(
                changes,
                order,
                cycle_index=schedule.first_index(order),
                extra_lines=extra_invoice_lines,
            )
            # What the buyer's client pays with (Velo ``createOnlineOrder``): the invoice id.
            order.wix_pay_order_id = invoice.pk
        return _finish(order, changes, actor, slugs)


def order_create_offline(
    *,
    plan: Plan,
    buyer: User | None,
    actor: Actor,
    start_date: datetime | None = None,
    paid: bool = False,
    coupon_code: str | None = None,
    submission_id=None,
) -> Order:
    """An order sold outside the site: PENDING or ACTIVE at once; purchase limits do not apply.

    A ``submission_id`` that already made an order answers that order."""
    _plan_check(plan)
    buyer = _buyer_check(buyer, missing=MemberNotFound)
    at = clock.now()
    start = _start(start_date, at)
    create = partial(
        _create_offline, plan, buyer, actor, at, start, paid, coupon_code, submission_id
    )
    return _once_per_submission(submission_id, plan, buyer, create)


def _create_offline(
    plan: Plan,
    buyer: User,
    actor: Actor,
    at: datetime,
    start: datetime,
    paid: bool,
    coupon_code: str | None,
    submission_id,
) -> Order:
    with transaction.atomic():
        quote = price_preview(plan=plan, coupon_code=coupon_code, buyer=buyer, at=at, lock=True)
        if quote.coupon is not None:
            coupon_use(quote.coupon)
        order = order_from_plan(plan, buyer, OrderType.OFFLINE, quote, start, at)
        order.submission_id = submission_id
        changes = Changes(at)
        changes.touch(order)
        if plan.is_free:
            status = PaymentStatus.NOT_APPLICABLE
        else:
            status = PaymentStatus.PAID if paid else PaymentStatus.UNPAID
            invoice = invoice_issue(changes, order, cycle_index=schedule.first_index(order))
            if paid or invoice.total == 0:
                invoice_settle(changes, invoice, method=Payment.Method.OFFLINE, new=True)
        return _finish(order, changes, actor, _open(order, changes, status))


def order_preview(
    *,
    plan: Plan,
    buyer: User | None,
    order_type: str,
    start_date: datetime | None = None,
    coupon_code: str | None = None,
) -> OrderPreview:
    """The order a checkout would create, with all-zero ids; nothing is stored or locked.

    An online preview leaves the order out when the buyer may not buy the plan again (the
    contract's reading of ``purchaseLimitExceeded``); an offline one ignores limits.
    """
    _plan_check(plan)
    if buyer is not None:
        _buyer_check(buyer, missing=MemberNotFound)
    at = clock.now()
    start = _start(start_date, at)
    quote = price_preview(plan=plan, coupon_code=coupon_code, buyer=buyer, at=at)
    shown_buyer = buyer or User(member_id=ZERO_ID, contact_id=ZERO_ID)
    order = order_from_plan(plan, shown_buyer, order_type, quote, start, at)
    order.id = order.subscription_id = ZERO_ID
    changes = Changes(at, dry_run=True)
    if order_type == OrderType.OFFLINE or plan.is_free:
        free = plan.is_free
        _open(order, changes, PaymentStatus.NOT_APPLICABLE if free else PaymentStatus.UNPAID)
        order.wix_pay_order_id = None
    order.next_transition_at = schedule.next_transition(order, at)
    exceeded = purchase_limit_reached(plan, buyer)
    return OrderPreview(
        order=None if exceeded and order_type == OrderType.ONLINE else order,
        purchase_limit_exceeded=exceeded,
        free_trial_eligible=trials.trial_eligibility(plan=plan, buyer=buyer).eligible,
    )
