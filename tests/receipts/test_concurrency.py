"""Simultaneous first writes, over real HTTP against a multi-threaded live server.

PostgreSQL only: SQLite takes one writer at a time (IMMEDIATE transactions), so two requests
never overlap there and there is no race to test; on PostgreSQL they do overlap, and the
payment row lock plus the unique (payment, version) constraint must leave exactly one receipt,
and simultaneous corrections numbered without gaps.
"""

from __future__ import annotations

import os
import threading

import pytest

from orders.models import OrderTimelineEntry
from receipts.models import Receipt, ReceiptImage, ReceiptLine
from tests.receipts import images as img
from tests.receipts.conftest import image_body, line, receipt

ATTEMPTS = 6

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="SQLite serialises writers, so simultaneous requests cannot race; "
        "run with DATABASE_URL=postgres://... to test the row lock",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def api(http_api):
    """Simultaneous requests over real HTTP, each in a server thread of its own."""
    return http_api


def at_once(call, bodies: list) -> list[int]:
    """Send every body at the same instant from its own thread; the statuses, in any order."""
    barrier = threading.Barrier(len(bodies))
    statuses: list[int] = []

    def send(body):
        barrier.wait()
        statuses.append(call(body).status)

    threads = [threading.Thread(target=send, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(statuses)


def test_simultaneous_first_receipts_store_exactly_one(api, merchant, payment):
    # given: each attempt is a different, valid receipt
    bodies = [receipt(line(description=f"attempt {i}")) for i in range(ATTEMPTS)]
    path = f"/order-management/v1/receipt/{payment.transaction_id}"
    # when
    statuses = at_once(lambda body: api.post(path, body, token=merchant), bodies)
    # then
    assert statuses == [201] + [409] * (ATTEMPTS - 1)
    assert Receipt.objects.count() == 1
    assert ReceiptLine.objects.count() == 1
    assert OrderTimelineEntry.objects.filter(action="receipt_stored").count() == 1


def test_simultaneous_uploads_of_one_id_with_different_bytes_store_one(api, merchant):
    bodies = [image_body("race", img.png(200 + i, 200)) for i in range(ATTEMPTS)]
    statuses = at_once(
        lambda body: api.post("/order-management/v1/image", body, token=merchant), bodies
    )
    assert statuses == [201] + [409] * (ATTEMPTS - 1)
    assert ReceiptImage.objects.count() == 1


def test_simultaneous_identical_uploads_are_one_creation_and_replays(api, merchant):
    bodies = [image_body("same", img.png(200, 200))] * ATTEMPTS
    statuses = at_once(
        lambda body: api.post("/order-management/v1/image", body, token=merchant), bodies
    )
    assert statuses == [200] * (ATTEMPTS - 1) + [201]
    assert ReceiptImage.objects.count() == 1


def test_simultaneous_first_order_metadata_puts_leave_one_row_and_every_entry(
    api, merchant, payment
):
    bodies = [
        {"category": "general", "orderDetailsUrl": f"https://mystore.no/o/{i}"}
        for i in range(ATTEMPTS)
    ]
    path = f"/order-management/v1/order/{payment.transaction_id}"
    statuses = at_once(lambda body: api.put(path, body, token=merchant), bodies)
    assert statuses == [200] * ATTEMPTS
    entries = OrderTimelineEntry.objects.filter(action="order_metadata_replaced")
    assert sorted(e.data["version"] for e in entries) == list(range(1, ATTEMPTS + 1))


def test_simultaneous_corrections_number_their_versions_without_gaps(api, merchant, payment):
    # given: a receipt, then different corrections at once
    path = f"/order-management/v1/receipt/{payment.transaction_id}"
    assert api.post(path, receipt(), token=merchant).status == 201
    bodies = [
        {**receipt(line(description=f"fix {i}")), "reason": f"fix {i}"} for i in range(ATTEMPTS)
    ]
    # when
    statuses = at_once(lambda body: api.post(path + "/versions", body, token=merchant), bodies)
    # then
    assert statuses == [201] * ATTEMPTS
    versions = sorted(Receipt.objects.values_list("version", flat=True))
    assert versions == list(range(1, ATTEMPTS + 2))
    assert OrderTimelineEntry.objects.filter(action="receipt_corrected").count() == ATTEMPTS
