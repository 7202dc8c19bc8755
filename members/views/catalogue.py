"""The plans page, the checkout page and its live price (JSON for the page's script)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from config.errors import DomainError
from config.money import format_money
from members import selectors
from members.forms import CheckoutForm
from members.services.checkout import member_checkout
from orders import selectors as order_selectors
from orders.errors import PlanNotFound
from orders.models import OrderStatus, Plan
from orders.services.pricing import price_preview


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = order_selectors.plan_list_public()
    return render(request, "members/plans.html", {"plans": plans})


def _plan(plan_id) -> Plan:
    try:
        plan = order_selectors.plan_get(plan_id)
    except PlanNotFound as exc:
        raise Http404("No such plan.") from exc
    if plan.archived:
        raise Http404("This plan can no longer be bought.")
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest, plan_id) -> HttpResponse:
    plan = _plan(plan_id)
    form = CheckoutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = member_checkout(
                member=request.user,
                plan=plan,
                submission_id=data["submission_id"],
                coupon_code=data["coupon_code"],
                start_date=data["start_date"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if order.status == OrderStatus.DRAFT:
                return redirect("members:pay", order_id=order.pk)
            messages.success(request, "Your plan is ready: there was nothing to pay.")
            return redirect("members:order", order_id=order.pk)
    coupon = form.data.get("coupon_code", "") if form.is_bound else ""
    start = form.cleaned_data.get("start_date") if form.is_bound and form.is_valid() else None
    summary = selectors.checkout_summary(plan, request.user, coupon_code=coupon, start_date=start)
    context = {"plan": plan, "form": form, "summary": summary}
    status = 400 if form.is_bound else 200
    return render(request, "members/checkout.html", context, status=status)


@require_GET
def price(request: HttpRequest, plan_id) -> JsonResponse:
    """The price with the coupon typed so far, for the checkout page's script."""
    plan = _plan(plan_id)
    buyer = request.user if request.user.is_authenticated else None
    code = request.GET.get("coupon", "").strip()[:20]
    try:
        quote = price_preview(plan=plan, coupon_code=code or None, buyer=buyer)
    except DomainError as exc:
        return JsonResponse({"error": exc.message, "code": exc.code}, status=400)
    currency = quote.currency
    return JsonResponse(
        {
            "subtotal": format_money(quote.subtotal, currency),
            "discount": format_money(quote.discount, currency),
            "tax": format_money(quote.tax_amount, currency),
            "total": format_money(quote.total, currency),
        }
    )
