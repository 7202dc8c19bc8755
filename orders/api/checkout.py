"""CheckoutService: buying plans, online and offline, and previews of what a purchase costs.

The views resolve the wire ids (plan, member) and call the checkout and pricing services;
whether the purchase is allowed (archived plan, purchase limit, coupon, start date) is decided
there.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import scopes
from accounts.models import User
from config.api import parsed
from config.errors import FieldError
from orders import selectors
from orders.api import docs, serializers
from orders.api.base import WixView
from orders.errors import MemberNotFound
from orders.models import OrderType
from orders.services import checkout, pricing
from orders.wire import order_to_wire

TAG = "Checkout"


def _plan(body: dict):
    """The plan named in the body: an unknown one is a bad request, not a missing resource."""
    return selectors.plan_get(body["planId"], status=400)


def _offline_buyer(body: dict) -> User:
    """The member an owner registers an order for (a validation error when unknown)."""
    try:
        return selectors.member_get(body["memberId"])
    except MemberNotFound as exc:
        raise FieldError("memberId", "is not a member.", rule="MEMBER_DOESNT_EXIST") from exc


class CreateOnlineOrderView(WixView):
    required_scopes = scopes.PURCHASE_PLANS

    @extend_schema(
        operation_id="createOnlineOrder",
        tags=[TAG],
        request=serializers.CreateOnlineOrderBody,
        responses=docs.reply(docs.ORDER),
    )
    def post(self, request: Request) -> Response:
        body = parsed(serializers.CreateOnlineOrderBody, request.data)
        on_behalf = body.get("onBehalf")
        order = checkout.order_create_online(
            plan=_plan(body),
            buyer=self.online_buyer(request, on_behalf),
            actor=self.caller(request).actor,
            start_date=body.get("startDate"),
            coupon_code=body.get("couponCode"),
            order_method=on_behalf.get("orderMethod") if on_behalf else None,
            submission_id=body.get("submissionId"),
        )
        return Response({"order": order_to_wire(order)})

    def online_buyer(self, request: Request, on_behalf: dict | None) -> User | None:
        """The member buying: the caller, or the member an app buys for (``onBehalf``).

        None when an app names no member; the checkout refuses that (MEMBER_REQUIRED).
        """
        caller = self.caller(request)
        return checkout.order_buyer(
            caller=caller.member if caller.is_member else None,
            member_id=on_behalf["memberId"] if on_behalf else None,
        )


class CreateOfflineOrderView(WixView):
    required_scopes = scopes.OFFLINE_ORDER_REGISTRARS

    @extend_schema(
        operation_id="createOfflineOrder",
        tags=[TAG],
        request=serializers.CreateOfflineOrderBody,
        responses=docs.reply(docs.ORDER),
    )
    def post(self, request: Request) -> Response:
        body = parsed(serializers.CreateOfflineOrderBody, request.data)
        order = checkout.order_create_offline(
            plan=_plan(body),
            buyer=_offline_buyer(body),
            actor=self.caller(request).actor,
            start_date=body.get("startDate"),
            paid=body["paid"],
            coupon_code=body.get("couponCode"),
            submission_id=body.get("submissionId"),
        )
        return Response({"order": order_to_wire(order)})


class OnlinePreviewView(WixView):
    required_scopes = scopes.PURCHASE_PLANS

    @extend_schema(
        operation_id="getOnlineOrderPreview",
        tags=[TAG],
        request=serializers.OnlinePreviewBody,
        responses=docs.reply(docs.ORDER_PREVIEW),
    )
    def post(self, request: Request) -> Response:
        body = parsed(serializers.OnlinePreviewBody, request.data)
        caller = self.caller(request)
        preview = checkout.order_preview(
            plan=_plan(body),
            buyer=caller.member if caller.is_member else None,
            order_type=OrderType.ONLINE,
            start_date=body.get("startDate"),
            coupon_code=body.get("couponCode"),
        )
        return preview_reply(preview)


class OfflinePreviewView(WixView):
    required_scopes = scopes.MANAGE_ORDERS

    @extend_schema(
        operation_id="getOfflineOrderPreview",
        tags=[TAG],
        request=serializers.OfflinePreviewBody,
        responses=docs.reply(docs.ORDER_PREVIEW),
    )
    def post(self, request: Request) -> Response:
        body = parsed(serializers.OfflinePreviewBody, request.data)
        preview = checkout.order_preview(
            plan=_plan(body),
            buyer=_offline_buyer(body),
            order_type=OrderType.OFFLINE,
            start_date=body.get("startDate"),
            coupon_code=body.get("couponCode"),
        )
        return preview_reply(preview)


def preview_reply(preview: checkout.OrderPreview) -> Response:
    reply: dict = {
        "purchaseLimitExceeded": bool(preview.purchase_limit_exceeded),
        # Tally's addition: whether the buyer gets the plan's free trial (once per plan).
        "freeTrialEligible": preview.free_trial_eligible,
    }
    if preview.order is not None:
        reply["order"] = order_to_wire(preview.order)
    return Response(reply)


class PricePreviewView(WixView):
    required_scopes = scopes.PRICE_READERS

    @extend_schema(
        operation_id="getPricePreview",
        tags=[TAG],
        request=serializers.PricePreviewBody,
        responses=docs.reply(docs.PRICE_PREVIEW),
    )
    def post(self, request: Request) -> Response:
        body = parsed(serializers.PricePreviewBody, request.data)
        quote = pricing.price_preview(plan=_plan(body), coupon_code=body.get("couponCode"))
        return Response({"prices": quote.prices, "price": quote.price_details})
