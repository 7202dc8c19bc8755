"""Refund a payment from the admin: a form, a confirmation page, then ``payment_refund``; and
try a declined refund again (a confirmation page, then ``refund_retry``).

The form only parses; the service decides (what is left, the currency's decimals, whether the
payment can be refunded, whether a refund can be retried) and its refusals are shown.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.actors import Actor
from config.errors import DomainError
from orders.admin.display import money, order_label
from orders.models import CreditNote, Payment, RefundReason, RefundStatus


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
                return _told(model_admin, request, refunded.credit_note)
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


def _told(model_admin, request, note: CreditNote) -> HttpResponseRedirect:
    """Back to the order, saying what became of the credit note's refund."""
    amount = money(note.amount, note.currency)
    if note.refund_status == RefundStatus.SUCCEEDED:
        model_admin.message_user(request, f"Refunded {amount}: credit note {note.label}.")
    elif note.refund_status == RefundStatus.FAILED:
        model_admin.message_user(
            request,
            f"Credit note {note.label} issued, but the provider declined the refund of "
            f"{amount} ({note.refund_failure_reason}). Retry it from the credit notes.",
            level=messages.WARNING,
        )
    else:
        model_admin.message_user(
            request,
            f"Credit note {note.label} issued; the provider's answer about the refund of "
            f"{amount} is not known yet. Retry it from the credit notes in a few minutes.",
            level=messages.WARNING,
        )
    return HttpResponseRedirect(reverse("admin:orders_order_change", args=[note.order_id]))


def refund_retry_view(model_admin, request, credit_note_id):
    """GET: the confirmation page; POST: the retry (refusals shown on the page)."""
    from orders.services.refunds import refund_retry

    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    note = CreditNote.objects.select_related("payment").filter(pk=credit_note_id).first()
    if note is None:
        raise Http404("No such credit note.")
    error = ""
    if request.method == "POST":
        try:
            refunded = refund_retry(credit_note_id=note.pk, actor=Actor.owner(request.user))
        except DomainError as refused:
            error = refused.message
        else:
            return _told(model_admin, request, refunded.credit_note)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Retry the refund of credit note {note.label}",
        "opts": model_admin.opts,
        "note": note,
        "amount": money(note.amount, note.currency),
        "error": error,
    }
    return TemplateResponse(request, "admin/orders/order/refund_retry.html", context)
