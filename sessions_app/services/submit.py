"""Submitting a session: one order and its first invoice, exactly once per session.

The session's ``sid`` is claimed first in the transaction (a unique row), then the order and
invoice are made by the orders services, and a switch closes the old order. A second submit
of the same session, even at the same moment on another server, waits on that unique index
until the first commits and is then answered 409 with the order the first one made. If any
rule refuses, the whole transaction rolls back: no claim, no order, no invoice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from accounts.actors import Actor
from accounts.models import App
from config import clock
from orders.models import CancellationEffectiveAt, Invoice, Order
from orders.services.checkout import order_create_online
from orders.services.invoicing import ExtraLine
from orders.services.lifecycle import order_cancel, order_end_now
from sessions_app.data import ContractSwitchType, OrderSession, SessionData
from sessions_app.errors import OrderSessionAlreadySubmitted
from sessions_app.models import SubmittedSession
from sessions_app.services.checks import checkout_subjects
from sessions_app.services.sessions import order_session_get
from sessions_app.services.switching import Switch, switch_decide, switch_from_order


@dataclass(frozen=True)
class Submitted:
    order: Order
    invoice: Invoice | None  # None for a free plan: its order starts without payment


def order_session_submit(*, app: App, token: str, actor: Actor) -> Submitted:
    """Create the session's order and invoice, re-checking every rule as of now."""
    session = order_session_get(app=app, token=token)
    _refuse_if_submitted(session.order_id)
    data = session.data
    try:
        with transaction.atomic():
            claim = _claim(app, session, data)
            order, switch = _place_order(data, actor)
            invoice = order.invoices.order_by("number").first()
            claim.order, claim.invoice = order, invoice
            claim.switched_from = switch.old_order if switch else None
            claim.contract_switch_type = switch.kind if switch else claim.contract_switch_type
            claim.save(update_fields=["order", "invoice", "switched_from", "contract_switch_type"])
    except IntegrityError:  # another submit of this session won the race
        winner = SubmittedSession.objects.filter(sid=session.sid).values_list("order_id", flat=True)
        _refuse_if_submitted(winner.first())
        raise
    return Submitted(order, invoice)


def _refuse_if_submitted(order_id) -> None:
    """409 naming the order the session already made (None: not submitted yet)."""
    if order_id is not None:
        raise OrderSessionAlreadySubmitted(str(order_id))


def _claim(app: App, session: OrderSession, data: SessionData) -> SubmittedSession:
    return SubmittedSession.objects.create(
        sid=session.sid,
        app=app,
        contract_switch_type=data.contract_switch_type,
        session_data=session.wire_data,
        created_date=session.created_date,
        submitted_date=clock.now(),
    )


def _place_order(data: SessionData, actor: Actor) -> tuple[Order, Switch | None]:
    plan, buyer = checkout_subjects(data)
    # The old order is locked before anything is made, so two switches from it queue.
    old = switch_from_order(data, buyer, lock=True)
    switch = switch_decide(data, old=old, plan=plan, at=clock.now()) if old else None
    order = order_create_online(
        plan=plan,
        buyer=buyer,
        actor=actor,
        start_date=switch.start_date if switch else data.start_date,
        coupon_code=data.coupon_code,
        submission_id=data.submission_id,
        extra_invoice_lines=_proration_lines(switch),
    )
    if switch:
        _close_old_order(switch, actor)
    return order, switch


def _proration_lines(switch: Switch | None) -> list[ExtraLine]:
    """The UPGRADE credit, as a negative line on the new order's first invoice."""
    if switch is None or not switch.credit:
        return []
    old = switch.old_order
    return [ExtraLine(f"Credit for the unused part of order {old.pk}", -switch.credit)]


def _close_old_order(switch: Switch, actor: Actor) -> None:
    old = switch.old_order
    if switch.kind == ContractSwitchType.DOWNGRADE:
        if old.auto_renew_canceled or old.end_date == switch.start_date:
            return  # it ends at that date anyway
        order_cancel(old.pk, effective_at=CancellationEffectiveAt.NEXT_PAYMENT_DATE, actor=actor)
        return
    order_end_now(old.pk, actor=actor, reason=f"switched ({switch.kind.value}) to a new order")
