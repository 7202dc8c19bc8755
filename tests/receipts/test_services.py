"""The receipts services without HTTP: what they store, what they refuse, what they cost."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from receipts.errors import ImageExists, ReceiptExists, ReceiptsInvalid
from receipts.models import Receipt, ReceiptImage, ReceiptLine
from receipts.services.images import image_upload
from receipts.services.order_metadata import order_metadata_get, order_metadata_replace
from receipts.services.receipts import receipt_get, receipt_store
from tests.receipts import images as img
from tests.receipts.conftest import line, lines_of, stored

pytestmark = pytest.mark.django_db


def test_storing_a_receipt_costs_the_same_queries_for_1_or_50_lines(
    payment_factory, actor, django_assert_num_queries
):
    # given
    one, many = payment_factory(amount=Decimal("100000")), payment_factory(amount=Decimal("1e5"))
    free = line(amountExcludingTax=0, taxAmount=0, amountIncludingTax=0)
    # when / then: lock, exists, receipt, lines (one insert), timeline, plus a savepoint
    with django_assert_num_queries(7):
        receipt_store(
            transaction_id=one.transaction_id, lines=lines_of(free), shipping_amount=0, actor=actor
        )
    with django_assert_num_queries(7):
        receipt_store(
            transaction_id=many.transaction_id,
            lines=lines_of(*[free] * 50),
            shipping_amount=0,
            actor=actor,
        )
    assert ReceiptLine.objects.filter(receipt__payment=many).count() == 50


def test_reading_a_receipt_is_two_queries(payment, actor, django_assert_num_queries):
    stored(payment, actor, line(), line())
    with django_assert_num_queries(3):  # payment, receipt, its lines
        found = receipt_get(payment.transaction_id)
        assert len(found.lines.all()) == 2


def test_replacing_order_metadata_is_a_fixed_number_of_queries(
    payment, actor, django_assert_max_num_queries
):
    image_upload(image_id="logo", src=img.b64(img.png()), actor=actor)
    kwargs = {
        "transaction_id": payment.transaction_id,
        "category": "general",
        "order_details_url": "https://mystore.no",
        "image_id": "logo",
        "actor": actor,
    }
    with django_assert_max_num_queries(7):
        order_metadata_replace(**kwargs)
    with django_assert_max_num_queries(7):
        order_metadata_replace(**kwargs)
    with django_assert_max_num_queries(2):
        assert order_metadata_get(payment.transaction_id).image.image_id == "logo"


def test_second_receipt_is_refused_by_the_service_too(payment, actor):
    kwargs = {"transaction_id": payment.transaction_id, "shipping_amount": 0, "actor": actor}
    receipt_store(lines=lines_of(line()), **kwargs)
    with pytest.raises(ReceiptExists):
        receipt_store(lines=lines_of(line(), line()), **kwargs)
    assert ReceiptLine.objects.count() == 1


def test_database_refuses_a_second_receipt_even_without_the_service(payment, actor):
    stored(payment, actor)
    first = Receipt.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Receipt.objects.create(
            payment=payment, currency="NOK", total_amount=0, at=first.at, actor_kind="SYSTEM"
        )


def test_database_refuses_a_line_that_does_not_add_up(payment, actor):
    stored(payment, actor)
    receipt = Receipt.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReceiptLine.objects.create(
            receipt=receipt,
            position=1,
            product_id="x",
            description="x",
            amount_excluding_tax=100,
            amount_including_tax=101,
            tax_amount=0,
            tax_percentage=0,
            discount=0,
            quantity=1,
            quantity_unit="Unknown",
        )


def test_invalid_lines_are_all_reported_at_once(payment, actor):
    bad = [line(amountIncludingTax=1), line(), line(taxAmount=0, amountIncludingTax=10000)]
    with pytest.raises(ReceiptsInvalid) as err:
        receipt_store(
            transaction_id=payment.transaction_id,
            lines=lines_of(*bad),
            shipping_amount=0,
            actor=actor,
        )
    assert [p["name"] for p in err.value.invalid_params] == [
        "orderLines[0].amountIncludingTax",
        "orderLines[2].taxAmount",
    ]
    assert not Receipt.objects.exists()


def test_image_replay_writes_nothing_and_conflict_keeps_the_first(actor):
    first = img.b64(img.png(200, 200))
    created = image_upload(image_id="logo", src=first, actor=actor)
    replay = image_upload(image_id="logo", src=first, actor=actor)
    assert created.created and not replay.created
    assert replay.image.pk == created.image.pk
    with pytest.raises(ImageExists):
        image_upload(image_id="logo", src=img.b64(img.jpeg(200, 200)), actor=actor)
    assert ReceiptImage.objects.get().format == "PNG"


def test_image_facts_come_from_the_bytes(actor):
    upload = image_upload(image_id="photo.png", src=img.b64(img.jpeg(320, 240)), actor=actor)
    stored = upload.image
    assert (stored.format, stored.content_type, stored.filename) == (
        "JPEG",
        "image/jpeg",
        "photo.png.jpg",
    )
    assert (stored.width, stored.height) == (320, 240)
