"""Receipts fixtures: a paid order's payment, apps holding the receipts scopes, and builders
for request bodies (a valid body first, then each test breaks one thing)."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer

from accounts.actors import Actor
from accounts.scopes import RECEIPTS_MANAGE, RECEIPTS_READ
from config import clock as tally_clock
from orders.models import Payment
from receipts.api.serializers import ReceiptSerializer
from receipts.devserver import ThreadedDevServer
from receipts.models import Receipt
from receipts.services.receipts import receipt_store
from tests.api.factories import order_row
from tests.receipts import images as img

_seq = itertools.count(1)


@pytest.fixture(scope="session")
def live_server():
    """The live server of these tests keeps the ``client_id`` and ``client_secret`` headers
    that Django's own test server drops (receipts/devserver.py), as production must."""
    server = LiveServer("localhost", start=False)
    server.thread.server_class = ThreadedDevServer
    server.start()
    yield server
    server.stop()


@pytest.fixture
def payment_factory(db, plan_factory, member):
    """``payment_factory(amount="500.00", currency="NOK", status=..., buyer=...)``."""

    def make(**fields: Any) -> Payment:
        buyer = fields.pop("buyer", member)
        currency = fields.setdefault("currency", "NOK")
        plan = plan_factory(price="500.00", currency=currency, cycle_count=12)
        order = order_row(plan=plan, buyer=buyer, at=tally_clock.now())
        fields.setdefault("amount", Decimal("500.00"))
        fields.setdefault("status", Payment.Status.SUCCEEDED)
        fields.setdefault("method", Payment.Method.TEST_PROVIDER)
        fields.setdefault("transaction_id", f"tx-{next(_seq)}")
        return Payment.objects.create(order=order, created_date=tally_clock.now(), **fields)

    return make


@pytest.fixture
def payment(payment_factory) -> Payment:
    return payment_factory()


@pytest.fixture
def merchant(app_factory) -> str:
    """The token of an app that may write and read receipts."""
    return app_factory(scopes=[RECEIPTS_MANAGE, RECEIPTS_READ])[1]


@pytest.fixture
def writer(app_factory) -> str:
    return app_factory(scopes=[RECEIPTS_MANAGE])[1]


@pytest.fixture
def reader(app_factory) -> str:
    return app_factory(scopes=[RECEIPTS_READ])[1]


@pytest.fixture
def actor() -> Actor:
    return Actor.system("tests")


def line(**overrides: Any) -> dict[str, Any]:
    """The draft's doc example line: 100.00 + 25 % tax, one item."""
    body = {
        "id": "998877",
        "description": "cotton t-shirt (blue, medium)",
        "amountExcludingTax": 10000,
        "amountIncludingTax": 12500,
        "taxAmount": 2500,
        "taxPercentage": 2500,
        "discount": 0,
        "quantity": 1,
        "productUrl": "https://mystore.no/products/998877",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


def receipt(*lines: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    body = {"orderLines": list(lines) or [line()], "shippingAmount": 15000}
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


def image_body(image_id: str = "logo", data: bytes | None = None, **overrides: Any):
    body = {"imageId": image_id, "src": img.b64(data or img.png(200, 200)), "type": "base64"}
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


def order_meta(**overrides: Any) -> dict[str, Any]:
    body = {"category": "receipt", "orderDetailsUrl": "https://mystore.no/order/987654"}
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


def lines_of(*wire_lines: dict[str, Any]):
    """Wire order lines as the service takes them (parsed by the API's own serializer)."""
    serializer = ReceiptSerializer(data={"orderLines": list(wire_lines)})
    serializer.is_valid(raise_exception=True)
    return serializer.service_kwargs()["lines"]


def stored(payment, actor, *wire_lines: dict[str, Any], shipping: int = 0) -> Receipt:
    return receipt_store(
        transaction_id=payment.transaction_id,
        lines=lines_of(*(wire_lines or [line()])),
        shipping_amount=shipping,
        actor=actor,
    )


def names(reply) -> list[str]:
    """The invalidParams names of a problem reply."""
    return [p["name"] for p in (reply.body or {}).get("invalidParams", [])]


def reason_of(reply, name: str) -> str:
    return next(p["reason"] for p in reply.body["invalidParams"] if p["name"] == name)


def assert_problem(reply, status: int) -> None:
    assert reply.status == status, reply.body
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.body["status"] == status
    assert {"type", "title", "detail", "instance"} <= set(reply.body)
