"""My plans: the member's orders page by page, one order in full, its printable invoices,
and the actions ``orders.actions`` offers members (cancel now or at the next payment date,
undo a scheduled cancellation), each behind a confirmation page.

Thin views: reads through members.selectors, changes through the same lifecycle services
the API uses; another member's order or invoice is a 404 page, never a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.actors import Actor
from config import clock
from config.errors import DomainError
from members import selectors
from members.forms import SwitchForm
from members.pdf import pdf_response
from members.services.checkout import member_checkout
from members.views.common import own_order, reason
from orders import actions
from orders.errors import OrderNotFound
from orders.models import CancellationEffectiveAt, OrderStatus, Plan
from orders.panels import payment_rows
from orders.services import lifecycle, schedule
from orders.services.preview import order_action_preview


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in OrderStatus.values:
        status = ""
    page = selectors.member_orders_page(request.user, status=status, page=request.GET.get("page"))
    now = clock.now()
    rows = [(order, selectors.next_payment(order, now)) for order in page.object_list]
    context = {"page": page, "rows": rows, "status": status, "statuses": OrderStatus.choices}
    return render(request, "members/order_list.html", context)


def _buttons(order, actor: Actor) -> list[dict]:
    """The actions ``orders.actions`` offers members that the order allows now (the same
    check as the service), each with the outcome its preview shows."""
    buttons = []
    for action in actions.member_actions():
        outcome = order_action_preview(order, action, actor=actor)
        if outcome.allowed:
            buttons.append({"action": action, "outcome": outcome})
    return buttons


@login_required
@require_GET
def order_detail(request: HttpRequest, order_id) -> HttpResponse:
    order = own_order(request, order_id)
    now = clock.now()
    context = {
        "order": order,
        "cycle": schedule.current_cycle(order, now),
        "next_payment": selectors.next_payment(order, now),
        "pause_periods": schedule.pauses_of(order),
        "timeline": selectors.order_timeline(order),
        "invoices": selectors.order_invoices(order),
        "payments": payment_rows(order, page="member"),
        "credit_notes": selectors.order_credit_notes(order),
        "buttons": _buttons(order, Actor.member(request.user)),
    }
    return render(request, "members/order_detail.html", context)


@dataclass(frozen=True)
class Printable:
    """A document a member prints or downloads: how to find the member's own, its page."""

    find: Callable[[Any, Any], Any]  # (member, id) -> the document, or OrderNotFound
    template: str
    name: str  # the document's name in the template
    url: str
    filename: Callable[[Any], str]


INVOICE = Printable(
    selectors.member_invoice,
    "members/invoice.html",
    "invoice",
    "members:invoice",
    lambda invoice: f"invoice-{invoice.number}.pdf",
)
CREDIT_NOTE = Printable(
    selectors.member_credit_note,
    "members/credit_note.html",
    "note",
    "members:credit_note",
    lambda note: f"credit-note-{note.label}.pdf",
)


def _printed(request: HttpRequest, printable: Printable, pk) -> tuple[Any, dict]:
    """The member's own document and its template's context; another's is a 404 page."""
    try:
        document = printable.find(request.user, pk)
    except OrderNotFound as exc:
        raise Http404(str(exc)) from exc
    return document, {printable.name: document, "order": document.order}


def _page(request: HttpRequest, printable: Printable, pk) -> HttpResponse:
    """The printable page (its print styles leave out everything but the document)."""
    _, context = _printed(request, printable, pk)
    return render(request, printable.template, context)


def _pdf(request: HttpRequest, printable: Printable, pk) -> HttpResponse:
    """The printable page as a PDF download."""
    document, context = _printed(request, printable, pk)
    page_url = reverse(printable.url, args=[document.pk])
    filename = printable.filename(document)
    return pdf_response(request, printable.template, context, filename=filename, page_url=page_url)


@login_required
@require_GET
def invoice_detail(request: HttpRequest, invoice_id) -> HttpResponse:
    return _page(request, INVOICE, invoice_id)


@login_required
@require_GET
def invoice_pdf(request: HttpRequest, invoice_id) -> HttpResponse:
    return _pdf(request, INVOICE, invoice_id)


@login_required
@require_GET
def credit_note_detail(request: HttpRequest, credit_note_id) -> HttpResponse:
    return _page(request, CREDIT_NOTE, credit_note_id)


@login_required
@require_GET
def credit_note_pdf(request: HttpRequest, credit_note_id) -> HttpResponse:
    return _pdf(request, CREDIT_NOTE, credit_note_id)


@login_required
@require_http_methods(["GET", "POST"])
def order_act(request: HttpRequest, order_id) -> HttpResponse:
    """GET: what a member action will do (when, the trial, the day access ends), with the
    button to confirm; POST: do it. The action's name comes as ``action``."""
    order = own_order(request, order_id)
    name = request.POST.get("action") or request.GET.get("action", "")
    return _act(request, order, name)


@login_required
@require_http_methods(["GET", "POST"])
def order_cancel(request: HttpRequest, order_id) -> HttpResponse:
    """Cancel with ``effective_at`` (IMMEDIATELY or NEXT_PAYMENT_DATE), as the API does."""
    order = own_order(request, order_id)
    effective_at = request.POST.get("effective_at") or request.GET.get("effective_at", "")
    if effective_at not in CancellationEffectiveAt.values:
        messages.error(request, "Choose when the cancellation takes effect.")
        return redirect("members:order", order_id=order.pk)
    return _act(request, order, actions.CANCEL_BY_EFFECTIVE_AT[effective_at].name)


def _act(request: HttpRequest, order, name: str) -> HttpResponse:
    action = next((a for a in actions.member_actions() if a.name == name), None)
    if action is None:
        messages.error(request, "This is not something you can do to your plan.")
        return redirect("members:order", order_id=order.pk)
    if request.method == "GET":
        context = {
            "order": order,
            "action": action,
            "preview": order_action_preview(order, action, actor=Actor.member(request.user)),
            "cycle": schedule.current_cycle(order, clock.now()),
            "immediately": action is actions.CANCEL_NOW,
            "cancels": action in actions.CANCEL_BY_EFFECTIVE_AT.values(),
        }
        return render(request, "members/act_confirm.html", context)
    try:
        lifecycle.order_member_act(name, order.pk, member=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, action.labels.member_done)
    return redirect("members:order", order_id=order.pk)


@login_required
@require_http_methods(["GET", "POST"])
def order_switch(request: HttpRequest, order_id) -> HttpResponse:
    """GET: the other plans with what a switch to each costs now; POST: switch (an order
    session with ``switchFromOrderId``), then pay the new order if it needs paying."""
    order = own_order(request, order_id)
    form = SwitchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan = Plan.objects.filter(pk=form.cleaned_data["plan_id"]).first()
        try:
            new = member_checkout(
                member=request.user,
                plan=plan,
                submission_id=form.cleaned_data["submission_id"],
                switch_from=order,
            )
        except DomainError as exc:
            messages.error(request, reason(exc))
        else:
            if new.status == OrderStatus.DRAFT:
                return redirect("members:pay", order_id=new.pk)
            messages.success(request, "Your plan is switched.")
            return redirect("members:order", order_id=new.pk)
    options = selectors.switch_options(order, request.user)
    context = {"order": order, "options": options, "form": SwitchForm()}
    status = 400 if form.is_bound else 200
    return render(request, "members/switch.html", context, status=status)
