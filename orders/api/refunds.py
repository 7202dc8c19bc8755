"""POST /api/v1/payments/{id}/refund, POST /api/v1/credit-notes/{id}/retry-refund and
GET /api/v1/orders/{id}/credit-notes.

The views parse, call ``orders.services.refunds`` or a selector, and render.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import scopes
from config.api import parsed
from orders import actions, selectors
from orders.api import docs
from orders.api.base import WixView
from orders.api.v1 import TAG, OrderRecordsView
from orders.services.refunds import Refunded, payment_refund, refund_retry
from orders.wire import credit_note_to_wire, order_to_wire, payment_to_wire


class RefundRequest(serializers.Serializer):
    """``amount`` is a decimal string (checked against the payment's currency by the service);
    ``reason`` one of the refund reasons (checked by the service, with the others)."""

    amount = serializers.CharField(required=False, max_length=32)
    reason = serializers.CharField(max_length=32)
    endOrder = serializers.BooleanField(required=False, default=False)  # noqa: N815


PAYMENT_ID = OpenApiParameter(
    "payment_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The payment's `id` (from `GET /api/v1/orders/{id}/payments`).",
)


class PaymentRefundView(WixView):
    required_scopes = scopes.MANAGE_ORDERS
    declared_actions = (actions.END_NOW,)

    @extend_schema(
        operation_id="refundPayment",
        tags=[TAG],
        parameters=[PAYMENT_ID],
        request=RefundRequest,
        responses=docs.reply(docs.REFUND),
    )
    def post(self, request: Request, payment_id: str) -> Response:
        data = parsed(RefundRequest, request.data)
        refunded = payment_refund(
            payment_id=payment_id,
            actor=self.caller(request).actor,
            reason=data["reason"],
            amount=data.get("amount"),
            end_order=data["endOrder"],
        )
        return Response(refunded_to_wire(refunded))


def refunded_to_wire(refunded: Refunded) -> dict:
    return {
        "creditNote": credit_note_to_wire(refunded.credit_note),
        "payment": payment_to_wire(refunded.payment),
        "order": order_to_wire(refunded.order),
    }


CREDIT_NOTE_ID = OpenApiParameter(
    "credit_note_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The credit note's `id`.",
)


class RefundRetryView(WixView):
    """Try a declined (or interrupted) refund again; the same answer as a refund."""

    required_scopes = scopes.MANAGE_ORDERS

    @extend_schema(
        operation_id="retryRefund",
        tags=[TAG],
        parameters=[CREDIT_NOTE_ID],
        request=None,
        responses=docs.reply(docs.REFUND),
    )
    def post(self, request: Request, credit_note_id: str) -> Response:
        refunded = refund_retry(credit_note_id=credit_note_id, actor=self.caller(request).actor)
        return Response(refunded_to_wire(refunded))


@extend_schema_view(
    get=extend_schema(
        operation_id="getOrderCreditNotes",
        tags=[TAG],
        parameters=[docs.ORDER_ID],
        responses=docs.reply(docs.CREDIT_NOTES),
    )
)
class OrderCreditNotesView(OrderRecordsView):
    key = "creditNotes"
    select = staticmethod(selectors.order_credit_notes)
    render = staticmethod(credit_note_to_wire)
