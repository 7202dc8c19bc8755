"""Add an offline order (the owner sells outside the site), with a live price preview.

The form only parses: the member is found by email or member id, then
``order_create_offline`` decides everything else. The preview endpoint asks the pricing
service for the quote the order would get.
"""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from accounts.actors import Actor
from config.errors import DomainError
from config.fields import DATE_RANGE_MESSAGE, in_date_range
from config.money import to_wire
from orders.admin.display import order_label
from orders.models import Plan
from orders.selectors import member_find
from orders.services.checkout import order_create_offline
from orders.services.pricing import price_preview


class OfflineOrderForm(forms.Form):
    plan = forms.ModelChoiceField(
        queryset=Plan.objects.filter(archived=False), empty_label="Choose a plan"
    )
    member = forms.CharField(
        max_length=254, help_text="The buyer's email or member id.", label="Member"
    )
    start_date = forms.DateTimeField(
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="In the site's time zone. Empty: now.",
    )
    paid = forms.BooleanField(
        required=False, help_text="Tick when the buyer has already paid (cash, bank transfer)."
    )
    coupon = forms.CharField(max_length=20, required=False, label="Coupon code")

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        if start is not None and not in_date_range(start):
            raise forms.ValidationError(f"The start date {DATE_RANGE_MESSAGE}")
        return start

    def clean_member(self):
        buyer = member_find(self.cleaned_data["member"])
        if buyer is None:
            raise forms.ValidationError("No member has this email or member id.")
        return buyer


def offline_order_view(model_admin, request):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = OfflineOrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        order = _create(request, form)
        if order is not None:
            model_admin.log_addition(request, order, "Offline order created")
            model_admin.message_user(request, f"Offline order created: {order_label(order)}.")
            url = reverse("admin:orders_order_change", args=[order.pk])
            return HttpResponseRedirect(url)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Add offline order",
        "opts": model_admin.opts,
        "form": form,
        "preview_url": reverse("admin:orders_order_price_preview"),
        "time_zone": timezone.get_current_timezone_name(),
    }
    return TemplateResponse(request, "admin/orders/order/offline_order_form.html", context)


def _create(request, form: OfflineOrderForm):
    data = form.cleaned_data
    try:
        return order_create_offline(
            plan=data["plan"],
            buyer=data["member"],
            actor=Actor.owner(request.user),
            start_date=data["start_date"],
            paid=data["paid"],
            coupon_code=data["coupon"].strip() or None,
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return None


def price_preview_view(model_admin, request):
    """``?plan=<id>&coupon=<code>&member=<email or id>`` -> the quote, as JSON."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    plan = _plan(request.GET.get("plan"))
    if plan is None:
        return JsonResponse({"ok": False, "message": "Choose a plan."})
    buyer = member_find(request.GET.get("member", ""))
    code = (request.GET.get("coupon") or "").strip()
    try:
        quote = price_preview(plan=plan, coupon_code=code, buyer=buyer)
    except DomainError as error:
        return JsonResponse({"ok": False, "message": error.message})
    currency = plan.currency
    return JsonResponse(
        {
            "ok": True,
            "currency": currency,
            "subtotal": to_wire(quote.subtotal, currency),
            "discount": to_wire(quote.discount, currency),
            "tax": to_wire(quote.tax_amount, currency),
            "total": to_wire(quote.total, currency),
        }
    )


def _plan(value: str | None) -> Plan | None:
    try:
        return Plan.objects.filter(pk=uuid.UUID(value or "")).first()
    except ValueError:
        return None
