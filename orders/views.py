"""Member pages: a member's own orders, one order in full, and asking to cancel.

Thin views: reads go through orders.selectors, the cancellation through the same lifecycle
service the API uses; another member's order is a 404, never a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from accounts.actors import Actor
from config import clock
from config.errors import DomainError
from orders import selectors
from orders.errors import OrderNotFound
from orders.models import CancellationEffectiveAt
from orders.services import lifecycle, schedule
from orders.services.preview import order_action_preview

PAGE_SIZE = 50


@login_required
def my_orders(request: HttpRequest) -> HttpResponse:
    orders = selectors.order_list(filters={}, buyer=request.user)[:PAGE_SIZE]
    return render(request, "members/order_list.html", {"orders": orders})


@login_required
def my_order(request: HttpRequest, order_id) -> HttpResponse:
    order = _own_order(request, order_id)
    actor = Actor.member(request.user)
    context = {
        "order": order,
        "cycle": schedule.current_cycle(order, clock.now()),
        "pause_periods": list(order.pause_periods.all()),
        "invoices": selectors.order_invoices(order),
        "payments": selectors.order_payments(order),
        # The same guards as the cancellation itself decide which buttons to offer.
        "cancel_now": order_action_preview(
            order, "cancel", actor=actor, effective_at=CancellationEffectiveAt.IMMEDIATELY
        ),
        "cancel_later": order_action_preview(
            order, "cancel", actor=actor, effective_at=CancellationEffectiveAt.NEXT_PAYMENT_DATE
        ),
    }
    return render(request, "members/order_detail.html", context)


@login_required
def my_order_cancel(request: HttpRequest, order_id) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    order = _own_order(request, order_id)
    effective_at = request.POST.get("effective_at", "")
    if effective_at not in CancellationEffectiveAt.values:
        messages.error(request, "Choose when the cancellation takes effect.")
        return redirect("members:order", order_id=order.pk)
    try:
        lifecycle.order_cancel(
            order.pk,
            effective_at=effective_at,
            actor=Actor.member(request.user),
            buyer=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if effective_at == CancellationEffectiveAt.IMMEDIATELY:
            messages.success(request, "Your plan is canceled.")
        else:
            messages.success(request, "Your plan will end at the next payment date.")
    return redirect("members:order", order_id=order.pk)


def _own_order(request: HttpRequest, order_id):
    try:
        return selectors.order_get(order_id, buyer=request.user)
    except OrderNotFound as exc:
        raise Http404("No such order.") from exc
