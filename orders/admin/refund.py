"""Refund a payment from the admin: a form, a confirmation page, then ``payment_refund``.

The form only parses; the service decides (what is left, the currency's decimals, whether the
payment can be refunded) and its refusals are shown on the form.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.actors import Actor
from config.errors import DomainError
from orders.admin.display import money, order_label
from orders.models import Payment, RefundReason


class RefundForm(forms.Form):
    amount = forms.CharField(
        max_length=32, required=False, help_text="Empty: everything not refunded yet."
    )
    reason = forms.ChoiceField(choices=RefundReason.choices)
    end_order = forms.BooleanField(required=False, label="End the order now")


def refund_view(model_admin, request, payment_id):
    """GET: the form; POST: the confirmation page; POST with ``confirm``: the refund."""
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    payment = Payment.objects.select_related("order", "invoice").filter(pk=payment_id).first()
    if payment is None:
        raise Http404("No such payment.")
    form = RefundForm(request.POST or None)
    confirming = False
    if request.method == "POST" and form.is_valid():
        if "confirm" in request.POST:
            refunded = _refund(request, form, payment)
            if refunded is not None:
                note = refunded.credit_note
                amount = money(note.amount, note.currency)
                model_admin.message_user(request, f"Refunded {amount}: credit note {note.label}.")
                url = reverse("admin:orders_order_change", args=[payment.order_id])
                return HttpResponseRedirect(url)
        else:
            confirming = True
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Refund payment of {order_label(payment.order)}",
        "opts": model_admin.opts,
        "form": form,
        "payment": payment,
        "paid": money(payment.amount, payment.currency),
        "confirming": confirming,
    }
    return TemplateResponse(request, "admin/orders/order/refund.html", context)


def _refund(request, form: RefundForm, payment: Payment):
    from orders.services.refunds import payment_refund

    data = form.cleaned_data
    try:
        return payment_refund(
            payment_id=payment.pk,
            actor=Actor.owner(request.user),
            reason=data["reason"],
            amount=data["amount"].strip() or None,
            end_order=data["end_order"],
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return None
