"""The order-session endpoints. They parse, call one service, and render (contract section 1)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.caller import Caller, caller_of
from accounts.scopes import MANAGE_ORDER_SESSIONS, READ_ORDER_SESSIONS
from config.api import parsed
from orders import actions
from orders.errors import PaymentError
from orders.models import Order
from orders.services.payments import invoice_pay, payable_invoice_get
from orders.wire import invoice_to_wire, order_to_wire, payment_to_wire
from sessions_app.api.serializers import (
    CreateRequestSerializer,
    PayRequestSerializer,
    create_request,
)
from sessions_app.services.sessions import order_session_create, order_session_get
from sessions_app.services.submit import order_session_submit

TAG = "order sessions"
TOKEN = OpenApiParameter(
    "token",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The order session id: the sealed token a create answered.",
)


def _object(description: str) -> OpenApiResponse:
    return OpenApiResponse(OpenApiTypes.OBJECT, description=description)


def app_caller(request) -> Caller:
    """Sessions belong to apps (the tenants): a member, even signed in, has none."""
    caller = caller_of(request)
    if caller is None or caller.app is None:
        raise exceptions.PermissionDenied("Order sessions are for apps.")
    return caller


class OrderSessionCreateView(APIView):
    required_scopes = MANAGE_ORDER_SESSIONS

    @extend_schema(
        operation_id="createOrderSession",
        tags=[TAG],
        request=CreateRequestSerializer,
        responses={200: _object("`{orderSession}`: the session, its id the sealed token.")},
    )
    def post(self, request):
        caller = app_caller(request)
        data = create_request(request.data)
        session = order_session_create(app=caller.app, data=data, actor=caller.actor)
        return Response({"orderSession": session.to_wire(with_status=False)})


class OrderSessionDetailView(APIView):
    required_scopes = READ_ORDER_SESSIONS

    @extend_schema(
        operation_id="getOrderSession",
        tags=[TAG],
        parameters=[TOKEN],
        responses={200: _object("`{orderSession}` with its status.")},
    )
    def get(self, request, token: str):
        caller = app_caller(request)
        session = order_session_get(app=caller.app, token=token)
        return Response({"orderSession": session.to_wire(with_status=True)})


class OrderSessionSubmitView(APIView):
    required_scopes = MANAGE_ORDER_SESSIONS

    @extend_schema(
        operation_id="submitOrderSession",
        tags=[TAG],
        parameters=[TOKEN],
        request=None,
        responses={
            200: _object("`{order, invoice?}`: the order made (no invoice for a free plan)."),
            409: _object("The session was already submitted, or the order cannot be made."),
        },
    )
    def post(self, request, token: str):
        caller = app_caller(request)
        submitted = order_session_submit(app=caller.app, token=token, actor=caller.actor)
        body = {"order": order_to_wire(submitted.order)}
        if submitted.invoice is not None:  # a free plan's order needs no invoice
            body["invoice"] = invoice_to_wire(submitted.invoice)
        return Response(body)


class InvoicePayView(APIView):
    """Pay an invoice: its member, the app that created its order, or an app that manages
    orders (``orders.services.payments.payable_invoice_get``); anyone else gets 404."""

    declared_actions = (actions.PAY,)

    @extend_schema(
        operation_id="payInvoice",
        tags=[TAG],
        request=PayRequestSerializer,
        responses={
            200: _object("`{payment, invoice, order}` after the payment attempt."),
            409: _object("The invoice cannot be paid in its state."),
        },
    )
    def post(self, request, invoice_id):
        caller = caller_of(request)
        assert caller is not None  # HasScopes lets only authenticated callers through
        data = parsed(PayRequestSerializer, request.data)
        if caller.is_member and "outcome" in data:  # testing an integration is for apps
            raise PaymentError(
                "A member pays through the payment provider; only an app names an outcome.",
                data={"outcome": data["outcome"]},
            )
        invoice = payable_invoice_get(invoice_id=invoice_id, caller=caller)
        card = data.get("cardNumber")
        payment = invoice_pay(
            invoice=invoice,
            outcome=data.get("outcome"),
            actor=caller.actor,
            details={"card_number": card} if card else None,
        )
        invoice.refresh_from_db()
        return Response(
            {
                "payment": payment_to_wire(payment),
                "invoice": invoice_to_wire(invoice),
                "order": order_to_wire(Order.objects.get(pk=invoice.order_id)),
            }
        )
