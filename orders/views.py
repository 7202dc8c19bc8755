"""Member pages: a member's own orders, one order in full, and the actions offered to members.

Thin views: reads go through orders.selectors; the buttons are the actions ``orders.actions``
offers members, each shown when its preview allows it; pressing one calls the lifecycle
service. Another member's order is a 404, never a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from accounts.actors import Actor
from config import clock
from config.errors import DomainError
from orders import actions, selectors
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
    buttons = []
    for action in actions.member_actions():
        outcome = order_action_preview(order, action, actor=actor)
        if outcome.allowed:
            buttons.append({"action": action, "outcome": outcome})
    context = {
        "order": order,
        "cycle": schedule.current_cycle(order, clock.now()),
        "pause_periods": list(order.pause_periods.all()),
        "invoices": selectors.order_invoices(order),
        "payments": selectors.order_payments(order),
        "buttons": buttons,
    }
    return render(request, "members/order_detail.html", context)


@login_required
def my_order_act(request: HttpRequest, order_id) -> HttpResponse:
    """A member action's button: the action's name is posted as ``action``."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return _act(request, _own_order(request, order_id), request.POST.get("action", ""))


@login_required
def my_order_cancel(request: HttpRequest, order_id) -> HttpResponse:
    """Cancel with ``effective_at`` (IMMEDIATELY or NEXT_PAYMENT_DATE), as the API does."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    order = _own_order(request, order_id)
    effective_at = request.POST.get("effective_at", "")
    if effective_at not in CancellationEffectiveAt.values:
        messages.error(request, "Choose when the cancellation takes effect.")
        return redirect("members:order", order_id=order.pk)
    return _act(request, order, actions.CANCEL_BY_EFFECTIVE_AT[effective_at].name)


def _act(request: HttpRequest, order, name: str) -> HttpResponse:
    try:
        lifecycle.order_member_act(name, order.pk, member=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, actions.action_named(name).labels.member_done)
    return redirect("members:order", order_id=order.pk)


def _own_order(request: HttpRequest, order_id):
    try:
        return selectors.order_get(order_id, buyer=request.user)
    except OrderNotFound as exc:
        raise Http404("No such order.") from exc
