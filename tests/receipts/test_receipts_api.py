"""POST|GET /order-management/v1/receipt/{transactionId}, over real HTTP. One test per rule
of contract section 9 for order lines, and per documented error."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orders.models import OrderTimelineEntry, Payment
from receipts.models import Receipt, ReceiptLine
from tests.receipts.conftest import assert_problem, line, names, reason_of, receipt

pytestmark = pytest.mark.django_db


def url(payment_or_id) -> str:
    tx = getattr(payment_or_id, "transaction_id", payment_or_id)
    return f"/order-management/v1/receipt/{tx}"


def test_first_receipt_is_201_and_reads_back_as_sent(api, merchant, payment):
    # given
    body = receipt(line(quantityUnit="Kilogram"), line(id="2", description="socks"))
    # when
    created = api.post(url(payment), body, token=merchant)
    read = api.get(url(payment), token=merchant)
    # then
    assert created.status == 201
    assert created.headers["location"] == url(payment)
    assert read.status == 200
    assert read.body == created.body
    assert read.body["shippingAmount"] == 15000
    assert [ln["id"] for ln in read.body["orderLines"]] == ["998877", "2"]
    assert read.body["orderLines"][0] == {**line(quantityUnit="Kilogram")}
    assert read.body["orderLines"][1]["quantityUnit"] == "Unknown"


def test_doc_example_of_the_draft_is_accepted(api, merchant, payment):
    # given: the draft README's example, verbatim (20 % tax, no quantityUnit)
    body = {
        "orderLines": [
            {
                "amountExcludingTax": 10000,
                "amountIncludingTax": 12000,
                "description": "cotton t-shirt (blue, medium)",
                "id": "998877",
                "productUrl": "https://mystore.no/products/998877",
                "quantity": 1,
                "taxAmount": 2000,
                "taxPercentage": 2000,
                "discount": 0,
            }
        ],
        "shippingAmount": 15000,
    }
    # then
    assert api.post(url(payment), body, token=merchant).status == 201


def test_second_receipt_is_a_409_and_changes_nothing(api, merchant, payment):
    # given
    api.post(url(payment), receipt(), token=merchant)
    before = api.get(url(payment), token=merchant).body
    # when
    reply = api.post(url(payment), receipt(line(description="changed")), token=merchant)
    # then
    assert_problem(reply, 409)
    assert reply.body["code"] == "RECEIPT_EXISTS"
    assert api.get(url(payment), token=merchant).body == before
    assert ReceiptLine.objects.count() == 1


def test_identical_second_post_is_also_a_409(api, merchant, payment):
    api.post(url(payment), receipt(), token=merchant)
    assert_problem(api.post(url(payment), receipt(), token=merchant), 409)


def test_unknown_transaction_id_is_a_404(api, merchant, db):
    assert_problem(api.post(url("no-such-payment"), receipt(), token=merchant), 404)
    assert_problem(api.get(url("no-such-payment"), token=merchant), 404)


def test_transaction_id_that_cannot_exist_is_a_404_not_an_error(api, merchant, db):
    for tx in ["%00", "a%00b", "x" * 65, "%ED%A0%80", "%F0%9F%92%A9"]:
        assert_problem(api.post(url(tx), receipt(), token=merchant), 404)


def test_payment_without_a_receipt_reads_as_404(api, merchant, payment):
    reply = api.get(url(payment), token=merchant)
    assert_problem(reply, 404)
    assert reply.body["code"] == "RECEIPT_NOT_FOUND"


def test_failed_payment_takes_no_receipt(api, merchant, payment_factory):
    failed = payment_factory(status=Payment.Status.FAILED)
    reply = api.post(url(failed), receipt(), token=merchant)
    assert_problem(reply, 409)
    assert reply.body["code"] == "PAYMENT_NOT_SUCCEEDED"


def test_storing_a_receipt_is_recorded_in_the_order_timeline(api, merchant, payment):
    api.post(url(payment), receipt(), token=merchant)
    entry = OrderTimelineEntry.objects.get(order=payment.order, action="receipt_stored")
    assert entry.actor_kind == "APP"
    assert entry.data["transactionId"] == payment.transaction_id
    assert entry.data["totalAmount"] == 12500 + 15000


# --- amounts: integers in minor units ------------------------------------------------------

AMOUNT_FIELDS = ["amountExcludingTax", "amountIncludingTax", "taxAmount", "discount"]


INTEGER_FIELDS = [*AMOUNT_FIELDS, "taxPercentage", "quantity"]


@pytest.mark.parametrize("value", ["100", 100.0, 99.5, True, None, [1], {"v": 1}])
def test_amounts_are_json_integers_only(api, merchant, payment, value):
    # given: every integer field of the line set to the same non-integer
    body = receipt(line(**dict.fromkeys(INTEGER_FIELDS, value)))
    # when
    reply = api.post(url(payment), body, token=merchant)
    # then
    assert_problem(reply, 400)
    assert sorted(names(reply)) == sorted(f"orderLines[0].{f}" for f in INTEGER_FIELDS)


def test_every_line_field_but_unit_and_url_is_required(api, merchant, payment):
    for field in [*INTEGER_FIELDS, "id", "description"]:
        reply = api.post(url(payment), receipt(line(**{field: ...})), token=merchant)
        assert_problem(reply, 400)
        assert names(reply) == [f"orderLines[0].{field}"]


def test_amounts_are_not_negative(api, merchant, payment):
    body = receipt(line(**dict.fromkeys(AMOUNT_FIELDS, -1)))
    reply = api.post(url(payment), body, token=merchant)
    assert_problem(reply, 400)
    assert sorted(names(reply)) == sorted(f"orderLines[0].{f}" for f in AMOUNT_FIELDS)


def test_amounts_fit_the_drafts_int32(api, merchant, payment):
    big = 2**31
    body = receipt(line(amountExcludingTax=big, amountIncludingTax=big, taxAmount=0))
    reply = api.post(url(payment), body, token=merchant)
    assert_problem(reply, 400)
    assert "orderLines[0].amountExcludingTax" in names(reply)


def test_including_tax_equals_excluding_tax_plus_tax_exactly(api, merchant, payment):
    reply = api.post(url(payment), receipt(line(amountIncludingTax=12499)), token=merchant)
    assert_problem(reply, 400)
    assert names(reply) == ["orderLines[0].amountIncludingTax"]
    assert "10000 + 2500 = 12500" in reason_of(reply, "orderLines[0].amountIncludingTax")


def test_tax_within_rounding_of_the_rate_is_accepted(api, merchant, payment):
    # 3 items of 33.33 at 25 %: 8.3325 each, rounded per item to 8.33 -> 24.99, rate says 24.9975
    body = receipt(
        line(
            amountExcludingTax=9999,
            taxAmount=2499,
            amountIncludingTax=12498,
            taxPercentage=2500,
            quantity=3,
        ),
        shippingAmount=0,
    )
    assert api.post(url(payment), body, token=merchant).status == 201


def test_tax_further_from_the_rate_than_rounding_is_refused(api, merchant, payment):
    # 25 % of 100.00 is 25.00; 20.00 is a wrong rate or a wrong amount
    body = receipt(line(taxAmount=2000, amountIncludingTax=12000))
    reply = api.post(url(payment), body, token=merchant)
    assert_problem(reply, 400)
    assert names(reply) == ["orderLines[0].taxAmount"]


def test_zero_rate_means_zero_tax(api, merchant, payment):
    body = receipt(line(taxPercentage=0, taxAmount=1, amountIncludingTax=10001))
    reply = api.post(url(payment), body, token=merchant)
    assert_problem(reply, 400)
    assert names(reply) == ["orderLines[0].taxAmount"]


def test_tax_percentage_is_in_hundredths_up_to_100_percent(api, merchant, payment):
    ok = receipt(line(taxPercentage=10000, taxAmount=10000, amountIncludingTax=20000))
    assert api.post(url(payment), ok, token=merchant).status == 201
    reply = api.post(url("x"), receipt(line(taxPercentage=10001)), token=merchant)
    assert "orderLines[0].taxPercentage" in names(reply)


def test_quantity_is_at_least_one(api, merchant, payment):
    reply = api.post(url(payment), receipt(line(quantity=0)), token=merchant)
    assert_problem(reply, 400)
    assert names(reply) == ["orderLines[0].quantity"]


def test_discount_is_informational_and_already_deducted(api, merchant, payment):
    body = receipt(line(discount=5000))
    assert api.post(url(payment), body, token=merchant).status == 201
    assert Receipt.objects.get().total_amount == 12500 + 15000


def test_quantity_unit_is_one_of_the_draft_units(api, merchant, payment):
    units = ["Unknown", "Kilogram", "Meter", "Liter"]
    body = receipt(*[line(quantityUnit=unit) for unit in units], shippingAmount=0)
    reply = api.post(url(payment), body, token=merchant)
    assert [ln["quantityUnit"] for ln in reply.body["orderLines"]] == units


def test_quantity_unit_outside_the_list_is_refused(api, merchant, payment):
    reply = api.post(url(payment), receipt(line(quantityUnit="PCS")), token=merchant)
    assert names(reply) == ["orderLines[0].quantityUnit"]


@pytest.mark.parametrize("shipping", [..., None])
def test_shipping_amount_is_optional_and_defaults_to_zero(api, merchant, payment, shipping):
    reply = api.post(url(payment), receipt(shippingAmount=shipping), token=merchant)
    assert reply.status == 201
    assert reply.body["shippingAmount"] == 0


def test_shipping_amount_is_a_non_negative_integer(api, merchant, payment):
    reply = api.post(url(payment), receipt(shippingAmount=-100), token=merchant)
    assert names(reply) == ["shippingAmount"]
    reply = api.post(url(payment), receipt(shippingAmount="150.00"), token=merchant)
    assert names(reply) == ["shippingAmount"]


def test_receipt_needs_at_least_one_line(api, merchant, payment):
    reply = api.post(url(payment), {"orderLines": [], "shippingAmount": 0}, token=merchant)
    assert_problem(reply, 400)
    assert names(reply) == ["orderLines"]


def test_receipt_has_at_most_1000_lines(api, merchant, payment_factory):
    rich = payment_factory(amount=Decimal("100000000.00"))
    free = line(amountExcludingTax=0, amountIncludingTax=0, taxAmount=0, productUrl=...)
    assert api.post(url(rich), receipt(*[free] * 1000), token=merchant).status == 201
    other = payment_factory(amount=Decimal("100000000.00"))
    reply = api.post(url(other), receipt(*[free] * 1001), token=merchant)
    assert names(reply) == ["orderLines"]


def test_receipt_total_may_not_exceed_the_payment(api, merchant, payment_factory):
    # given: a 100.00 payment; 125.00 of lines plus 150.00 shipping
    payment = payment_factory(amount=Decimal("100.00"))
    # when
    reply = api.post(url(payment), receipt(), token=merchant)
    # then
    assert_problem(reply, 400)
    assert names(reply) == ["orderLines"]
    assert "27500" in reason_of(reply, "orderLines")


def test_receipt_total_equal_to_the_payment_is_accepted(api, merchant, payment_factory):
    payment = payment_factory(amount=Decimal("275.00"))
    assert api.post(url(payment), receipt(), token=merchant).status == 201


def test_amounts_are_minor_units_of_the_payments_currency(api, merchant, payment_factory):
    # JPY has no minor unit: 275 yen is 275
    payment = payment_factory(amount=Decimal("275"), currency="JPY")
    small = line(amountExcludingTax=100, taxAmount=25, amountIncludingTax=125)
    assert api.post(url(payment), receipt(small, shippingAmount=150), token=merchant).status == 201
    assert Receipt.objects.get(payment=payment).currency == "JPY"


def test_invalid_params_name_every_bad_field_by_json_path(api, merchant, payment):
    # given: three lines, the second and third wrong in different ways
    body = receipt(
        line(),
        line(taxAmount="25"),
        line(description="", quantity=0),
        shippingAmount=1.5,
        extra=True,
    )
    # when
    reply = api.post(url(payment), body, token=merchant)
    # then
    assert_problem(reply, 400)
    assert sorted(names(reply)) == [
        "extra",
        "orderLines[1].taxAmount",
        "orderLines[2].description",
        "orderLines[2].quantity",
        "shippingAmount",
    ]


def test_arithmetic_errors_are_named_per_line(api, merchant, payment):
    body = receipt(line(), line(), line(taxAmount=2000, amountIncludingTax=12000), shippingAmount=0)
    reply = api.post(url(payment), body, token=merchant)
    assert names(reply) == ["orderLines[2].taxAmount"]


def test_product_url_follows_the_link_rule(api, merchant, payment):
    links = ["http://mystore.no/p/1", "javascript:alert(1)", "data:text/html,x", "www.shop.no"]
    body = receipt(*[line(productUrl=link) for link in links], shippingAmount=0)
    reply = api.post(url(payment), body, token=merchant)
    assert_problem(reply, 400)
    assert names(reply) == [f"orderLines[{i}].productUrl" for i in range(len(links))]


def test_product_url_may_be_an_app_link(api, merchant, payment):
    body = receipt(line(productUrl="mystore:///products/998877"))
    assert api.post(url(payment), body, token=merchant).status == 201


def test_text_fields_refuse_control_and_unpaired_characters(api, merchant, payment):
    texts = ["nul\x00byte", "new\nline", "\u202eevil", "\ud800", "   "]
    body = receipt(*[line(description=t, id=t) for t in texts], shippingAmount=0)
    reply = api.post(url(payment), body, token=merchant)
    assert_problem(reply, 400)
    assert sorted(names(reply)) == sorted(
        f"orderLines[{i}].{field}" for i in range(len(texts)) for field in ("id", "description")
    )


def test_text_fields_have_length_limits(api, merchant, payment):
    body = receipt(line(id="i" * 256, description="d" * 1025))
    reply = api.post(url(payment), body, token=merchant)
    assert sorted(names(reply)) == ["orderLines[0].description", "orderLines[0].id"]


def test_text_fields_are_stored_exactly_as_sent(api, merchant, payment):
    body = receipt(line(description=" Kaffe 500\u00a0g, økologisk ☕ "))
    api.post(url(payment), body, token=merchant)
    assert ReceiptLine.objects.get().description == " Kaffe 500\u00a0g, økologisk ☕ "


# --- transport errors ---------------------------------------------------------------------


MALFORMED = [
    (b"{not json", "application/json"),
    (b'{"orderLines": [', "application/json"),
    (b"[" * 100_000, "application/json"),
    (b"\xff\xfe{}", "application/json"),
    (b'{"orderLines": NaN}', "application/json"),
    (b"{}", "application/json; charset=no-such-charset"),
    (b"[]", "application/json"),
    (b'"text"', "application/json"),
    (b"42", "application/json"),
    (b"null", "application/json"),
]


def test_malformed_json_or_a_body_that_is_not_an_object_is_a_400_problem(api, merchant, payment):
    for data, content_type in MALFORMED:
        reply = api.request(
            "POST", url(payment), token=merchant, data=data, headers={"Content-Type": content_type}
        )
        assert_problem(reply, 400)


def test_other_content_types_are_a_415_problem(api, merchant, payment):
    reply = api.request(
        "POST", url(payment), token=merchant, data=b"a=1", headers={"Content-Type": "text/plain"}
    )
    assert_problem(reply, 415)


def test_other_methods_are_a_405_problem(api, merchant, payment):
    assert_problem(api.patch(url(payment), receipt(), token=merchant), 405)
    assert_problem(api.request("DELETE", url(payment), token=merchant), 405)


def test_body_over_one_mebibyte_is_a_413_problem(api, merchant, payment):
    body = receipt(*[line(description="d" * 1000)] * 1100)
    assert_problem(api.post(url(payment), body, token=merchant), 413)


# --- scopes --------------------------------------------------------------------------------


def test_receipt_calls_need_credentials(api, payment):
    assert_problem(api.post(url(payment), receipt()), 401)
    assert_problem(api.get(url(payment)), 401)


def test_invalid_token_is_a_401_problem(api, payment):
    assert_problem(api.get(url(payment), token="tly_app_forged"), 401)


def test_writing_needs_manage_and_reading_needs_read(api, reader, writer, payment):
    assert_problem(api.post(url(payment), receipt(), token=reader), 403)
    assert api.post(url(payment), receipt(), token=writer).status == 201
    assert_problem(api.get(url(payment), token=writer), 403)
    assert api.get(url(payment), token=reader).status == 200


def test_member_token_cannot_use_the_receipts_api(api, member, payment):
    from accounts.services import member_token_issue

    token = member_token_issue(member=member)
    assert_problem(api.get(url(payment), token=token), 403)


# --- PUT: the draft's own section uploads with PUT; same rules, same answers ---------------


def test_put_stores_the_receipt_like_post(api, merchant, payment):
    reply = api.put(url(payment), receipt(), token=merchant)
    assert reply.status == 201
    assert reply.headers["location"] == url(payment)
    assert api.get(url(payment), token=merchant).body == reply.body


def test_put_after_a_receipt_is_a_409_and_changes_nothing(api, merchant, payment):
    api.post(url(payment), receipt(), token=merchant)
    reply = api.put(url(payment), receipt(line(description="changed")), token=merchant)
    assert_problem(reply, 409)
    assert reply.body["code"] == "RECEIPT_EXISTS"
    assert ReceiptLine.objects.get().description == line()["description"]


def test_put_refuses_what_post_refuses(api, merchant, payment):
    reply = api.put(url(payment), receipt(line(taxAmount=1)), token=merchant)
    assert_problem(reply, 400)
    assert "orderLines[0].taxAmount" in names(reply)
    assert not Receipt.objects.exists()


def test_put_needs_the_manage_scope(api, reader, payment):
    assert_problem(api.put(url(payment), receipt(), token=reader), 403)
    assert not Receipt.objects.exists()


def test_answer_carries_the_version(api, merchant, payment):
    assert api.post(url(payment), receipt(), token=merchant).body["version"] == 1


def test_merchant_serial_number_is_accepted_and_ignored(api, merchant, payment):
    headers = {"Merchant-Serial-Number": "123456", "Ocp-Apim-Subscription-Key": "k"}
    assert api.post(url(payment), receipt(), token=merchant, headers=headers).status == 201
