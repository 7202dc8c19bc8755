"""The owner's admin (read-only receipt, image and link of each payment) and the member
template, rendered from what the services stored."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.template import Context, Template

from orders.models import Order, Payment
from receipts.admin import PaymentReceiptInline, receipt_html
from receipts.models import OrderMetadata, Receipt, ReceiptImage
from receipts.selectors import SUMMARY_DEFER, SUMMARY_PREFETCH, SUMMARY_SELECT
from receipts.services.images import image_upload
from receipts.services.order_metadata import order_metadata_replace
from receipts.services.receipts import receipt_correct, receipt_store
from tests.receipts import images as img
from tests.receipts.conftest import line, lines_of, stored

pytestmark = pytest.mark.django_db


@pytest.fixture
def complete(payment, actor) -> Payment:
    """A payment with a receipt of two lines, a ticket link and an image."""
    image_upload(image_id="ticket-img", src=img.b64(img.png(300, 300)), actor=actor)
    order_metadata_replace(
        transaction_id=payment.transaction_id,
        category="ticket",
        order_details_url="https://mystore.no/tickets/42",
        image_id="ticket-img",
        actor=actor,
    )
    receipt_store(
        transaction_id=payment.transaction_id,
        lines=lines_of(line(), line(id="2", description="Programme", quantityUnit="Liter")),
        shipping_amount=15000,
        actor=actor,
    )
    return payment


def test_receipt_html_shows_lines_total_link_and_image(complete):
    html = receipt_html(complete)
    assert "cotton t-shirt (blue, medium)" in html and "Programme" in html
    assert "400.00" in html  # 2 × 125.00 + 150.00 shipping
    assert 'href="https://mystore.no/tickets/42"' in html
    assert 'src="/order-management/v1/image/ticket-img"' in html
    assert "receipts cannot be changed" in html


def test_receipt_html_says_when_the_merchant_sent_nothing(payment):
    assert "No receipt or order link has been sent" in receipt_html(payment)


def test_receipt_html_escapes_what_the_merchant_sent(payment, actor):
    stored(payment, actor, line(description="<script>alert(1)</script>"))
    html = receipt_html(payment)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_inline_for_the_order_admin_is_read_only_and_batched(
    complete, rf, owner, django_assert_max_num_queries
):
    # given
    inline = PaymentReceiptInline(Order, admin.site)
    request = rf.get("/admin/")
    request.user = owner
    # then
    assert not inline.has_add_permission(request, complete.order)
    assert not inline.has_change_permission(request, complete)
    assert not inline.has_delete_permission(request, complete)
    with django_assert_max_num_queries(3):
        payments = list(inline.get_queryset(request).filter(order=complete.order))
        html = inline.receipt(payments[0])
    assert "Programme" in html


def test_summaries_of_many_payments_cost_a_fixed_number_of_queries(
    payment_factory, actor, django_assert_max_num_queries
):
    # given
    for _ in range(5):
        tx = payment_factory().transaction_id
        receipt_store(transaction_id=tx, lines=lines_of(line()), shipping_amount=0, actor=actor)
        order_metadata_replace(
            transaction_id=tx,
            category="receipt",
            order_details_url="https://mystore.no/r",
            image_id=None,
            actor=actor,
        )
    # when / then: payments, their receipt versions, the versions' lines
    with django_assert_max_num_queries(3):
        payments = (
            Payment.objects.select_related(*SUMMARY_SELECT)
            .prefetch_related(*SUMMARY_PREFETCH)
            .defer(*SUMMARY_DEFER)
        )
        htmls = [receipt_html(p) for p in payments]
    assert len(htmls) == 5 and all("125.00" in h for h in htmls)


@pytest.mark.parametrize("model", [Receipt, ReceiptImage, OrderMetadata])
def test_owner_admin_lists_and_shows_receipt_data_without_changing_it(
    complete, admin_client, model
):
    # given
    opts = model._meta
    obj = model.objects.first()
    base = f"/admin/{opts.app_label}/{opts.model_name}/"
    # when
    listing = admin_client.get(base)
    detail = admin_client.get(f"{base}{obj.pk}/change/")
    # then
    assert listing.status_code == 200 and detail.status_code == 200
    assert admin_client.get(f"{base}add/").status_code == 403
    assert admin_client.post(f"{base}{obj.pk}/delete/").status_code == 403
    assert 'name="_save"' not in detail.content.decode()


def test_image_admin_shows_a_thumbnail(complete, admin_client):
    image = ReceiptImage.objects.get()
    page = admin_client.get(f"/admin/receipts/receiptimage/{image.pk}/change/").content.decode()
    assert 'src="/order-management/v1/image/ticket-img"' in page


MEMBER_TEMPLATE = Template("{% load receipts %}{% member_receipt payment %}")


def test_member_template_shows_their_receipt_link_and_image(complete):
    html = MEMBER_TEMPLATE.render(Context({"payment": complete}))
    assert "Open your ticket" in html
    assert 'href="https://mystore.no/tickets/42"' in html
    assert 'src="/order-management/v1/image/ticket-img"' in html
    assert "Programme" in html and "1 l" in html
    assert "400.00 NOK" in html


def test_member_template_is_empty_until_the_merchant_sends_something(payment):
    assert MEMBER_TEMPLATE.render(Context({"payment": payment})).strip() == ""


def test_admin_template_tag_renders_the_same_summary(complete):
    tag = Template("{% load receipts %}{% payment_receipt payment %}")
    assert "receipts cannot be changed" in tag.render(Context({"payment": complete}))


def test_owner_order_page_shows_each_payments_receipt_link_and_image(complete, admin_client):
    # when
    page = admin_client.get(f"/admin/orders/order/{complete.order.pk}/change/")
    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert "Programme" in html and "400.00" in html
    assert 'href="https://mystore.no/tickets/42"' in html
    assert 'src="/order-management/v1/image/ticket-img"' in html


@pytest.fixture
def corrected(complete, actor) -> Payment:
    """The complete payment's receipt corrected once: the programme was returned."""
    receipt_correct(
        transaction_id=complete.transaction_id,
        lines=lines_of(line()),
        shipping_amount=15000,
        reason="programme returned",
        actor=actor,
    )
    return complete


def test_owner_sees_the_latest_version_with_its_history(corrected):
    html = receipt_html(corrected)
    assert "Version 2" in html
    assert "Programme" not in html  # the lines shown are the latest version's
    assert "programme returned" in html
    assert "400.00" in html and "275.00" in html  # the totals of both versions


def test_member_sees_the_corrected_receipt_and_why(corrected):
    html = MEMBER_TEMPLATE.render(Context({"payment": corrected}))
    assert "Corrected" in html and "programme returned" in html
    assert "275.00 NOK" in html
    assert "400.00 NOK" in html  # the first receipt, in the history


def test_owner_order_page_shows_the_history(corrected, admin_client):
    page = admin_client.get(f"/admin/orders/order/{corrected.order.pk}/change/")
    assert "programme returned" in page.content.decode()
