"""A member buys a plan on the site: the same order session an API client would create and
submit, made by the site's own app (accounts.services.site_app), so the two are one flow.

One form, one order: the session id (``sid``) is derived from the member, the plan and the
form's submission id, and a session submits once (sessions_app's unique claim). A form sent twice,
even at the same moment, ends at the order the first one made.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from accounts.actors import Actor
from accounts.models import User
from accounts.services import site_app
from orders.errors import OrderNotFound, PlanNotFound
from orders.models import Order, Plan
from sessions_app.data import SessionData
from sessions_app.errors import OrderSessionAlreadySubmitted
from sessions_app.models import SubmittedSession
from sessions_app.services.sessions import order_session_create
from sessions_app.services.submit import order_session_submit


def member_checkout(
    *,
    member: User,
    plan: Plan | None,
    submission_id: uuid.UUID,
    coupon_code: str = "",
    start_date: datetime | None = None,
    switch_from: Order | None = None,
) -> Order:
    """The DRAFT order (a free plan: PENDING or ACTIVE) ``member`` buys with this form.

    With ``switch_from``, the new plan replaces that order of the member's as the session's
    REGULAR switch decides (an upgrade now with a credit, a downgrade at its next payment
    date). Raises the checkout's domain errors (coupon, purchase limit, archived plan, start
    date, switch) with nothing changed.
    """
    if plan is None:
        raise PlanNotFound(status=400)
    app = site_app()
    sid = form_sid(member, plan, submission_id)
    made = SubmittedSession.objects.filter(sid=sid).values_list("order_id", flat=True).first()
    if made is not None:  # this form was sent before: its order, not a second one
        return _own_order(made, member)
    actor = Actor.member(member)
    data = SessionData(
        plan_id=plan.pk,
        member_id=member.member_id,
        coupon_codes=(coupon_code,) if coupon_code else (),
        start_date=start_date,
        switch_from_order_id=switch_from.pk if switch_from is not None else None,
        submission_id=submission_id,
    )
    session = order_session_create(app=app, data=data, actor=actor, sid=sid)
    try:
        return order_session_submit(app=app, token=session.token, actor=actor).order
    except OrderSessionAlreadySubmitted as exc:  # the same form, sent at the same moment
        return _own_order(exc.data["orderId"], member)


def form_sid(member: User, plan: Plan, submission_id: uuid.UUID) -> str:
    """The session id of one member's one form for one plan (32 hex digits, as sessions
    use): a page offering several plans makes one order per plan chosen."""
    text = f"{member.member_id}:{plan.pk}:{submission_id}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _own_order(order_id, member: User) -> Order:
    order = Order.objects.filter(pk=order_id, buyer=member).first()
    if order is None:
        raise OrderNotFound()
    return order
