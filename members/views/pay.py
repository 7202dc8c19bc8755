"""Paying a draft: the payment provider's form, then a confirmation page or the reason the
payment was declined (the draft stays, and the member tries again)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.actors import Actor
from config.errors import DomainError
from members import selectors
from members.forms import TestCardForm
from members.views.common import own_order
from orders.models import OrderStatus, Payment
from orders.services.payments import invoice_pay, payment_provider

# The form each provider needs, by its payment method; a provider without one pays on a click.
PROVIDER_FORMS = {Payment.Method.TEST_PROVIDER: TestCardForm}


def _provider_form(data=None):
    form_class = PROVIDER_FORMS.get(payment_provider().method)
    return form_class(data) if form_class else None


@login_required
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, order_id) -> HttpResponse:
    order = own_order(request, order_id)
    invoice = selectors.payable_invoice(order)
    if invoice is None:
        if order.status != OrderStatus.DRAFT:
            messages.info(request, "This order is paid: there is nothing to pay.")
        return redirect("members:order", order_id=order.pk)
    form = _provider_form(request.POST if request.method == "POST" else None)
    declined = ""
    if request.method == "POST" and (form is None or form.is_valid()):
        details = form.cleaned_data if form is not None else {}
        actor = Actor.member(request.user)
        try:
            payment = invoice_pay(invoice=invoice, actor=actor, details=details)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("members:order", order_id=order.pk)
        if payment.status == Payment.Status.SUCCEEDED:
            return redirect("members:confirmation", order_id=order.pk)
        declined = payment.failure_reason
        form = _provider_form()
    context = {"order": order, "invoice": invoice, "form": form, "declined": declined}
    status = 402 if declined else (400 if request.method == "POST" else 200)
    return render(request, "members/pay.html", context, status=status)


@login_required
@require_GET
def confirmation(request: HttpRequest, order_id) -> HttpResponse:
    order = own_order(request, order_id)
    invoices = [i for i in selectors.order_invoices(order) if i.paid_date]
    return render(
        request,
        "members/confirmation.html",
        {"order": order, "invoice": invoices[0] if invoices else None},
    )
