"""PUT|GET /order-management/v1/order/{transactionId}, over real HTTP."""

from __future__ import annotations

import pytest

from orders.models import OrderTimelineEntry, Payment
from receipts.models import OrderMetadata
from tests.receipts.conftest import assert_problem, image_body, names, order_meta, reason_of

pytestmark = pytest.mark.django_db


def url(payment_or_id) -> str:
    tx = getattr(payment_or_id, "transaction_id", payment_or_id)
    return f"/order-management/v1/order/{tx}"


@pytest.fixture
def uploaded(api, merchant):
    def upload(image_id: str) -> str:
        assert api.post("/order-management/v1/image", image_body(image_id), token=merchant).status
        return image_id

    return upload


def test_put_stores_the_metadata_and_get_returns_it(api, merchant, payment, uploaded):
    # given
    body = order_meta(category="ticket", image={"id": uploaded("ticket-1")})
    # when
    put = api.put(url(payment), body, token=merchant)
    got = api.get(url(payment), token=merchant)
    # then
    assert put.status == 200
    assert put.body == body
    assert got.status == 200
    assert got.body == body


def test_put_replaces_the_whole_object_and_no_image_removes_it(api, merchant, payment, uploaded):
    # given
    first = order_meta(category="ticket", image={"id": uploaded("ticket-1")})
    api.put(url(payment), first, token=merchant)
    # when: a PUT without image
    second = order_meta(category="delivery", orderDetailsUrl="https://carrier.example/track/9")
    api.put(url(payment), second, token=merchant)
    # then
    assert api.get(url(payment), token=merchant).body == second
    assert OrderMetadata.objects.get(payment=payment).version == 2


def test_image_null_is_the_same_as_no_image(api, merchant, payment):
    reply = api.put(url(payment), order_meta(image=None), token=merchant)
    assert reply.status == 200
    assert "image" not in reply.body


def test_every_replacement_is_kept_in_the_order_timeline(api, merchant, payment, uploaded):
    # given
    bodies = [
        order_meta(category="orderConfirmation"),
        order_meta(category="delivery", image={"id": uploaded("box")}),
        order_meta(category="receipt"),
    ]
    # when
    for body in bodies:
        api.put(url(payment), body, token=merchant)
    # then
    entries = OrderTimelineEntry.objects.filter(
        order=payment.order, action="order_metadata_replaced"
    ).order_by("id")
    assert [e.data["after"] for e in entries] == bodies
    assert [e.data["before"] for e in entries] == [None, bodies[0], bodies[1]]
    assert [e.data["version"] for e in entries] == [1, 2, 3]
    assert {e.actor_kind for e in entries} == {"APP"}


def test_image_must_be_uploaded_first(api, merchant, payment):
    reply = api.put(url(payment), order_meta(image={"id": "not-uploaded"}), token=merchant)
    assert_problem(reply, 400)
    assert names(reply) == ["image.id"]
    assert not OrderMetadata.objects.exists()


def test_image_is_an_object_with_a_valid_id(api, merchant, payment):
    for image in [{"id": "bad id"}, {"id": ""}, {}, "logo", {"id": 1}]:
        reply = api.put(url(payment), order_meta(image=image), token=merchant)
        assert_problem(reply, 400)
        assert names(reply)[0].startswith("image")


def test_the_older_image_ids_array_is_refused_by_name(api, merchant, payment):
    body = order_meta(imageIds=[{"id": "logo", "sortOrder": 1}])
    reply = api.put(url(payment), body, token=merchant)
    assert names(reply) == ["imageIds"]


def test_category_is_one_of_the_six(api, merchant, payment):
    for category in ["general", "receipt", "orderConfirmation", "delivery", "ticket", "booking"]:
        reply = api.put(url(payment), order_meta(category=category), token=merchant)
        assert reply.body["category"] == category


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("GENERAL", "general"),
        ("RECEIPT", "receipt"),
        ("ORDER_CONFIRMATION", "orderConfirmation"),
        ("DELIVERY", "delivery"),
        ("TICKET", "ticket"),
        ("BOOKING", "booking"),
    ],
)
def test_upper_case_categories_are_aliases_answered_in_the_drafts_form(
    api, merchant, payment, sent, stored
):
    # when
    put = api.put(url(payment), order_meta(category=sent), token=merchant)
    # then
    assert put.status == 200
    assert put.body["category"] == stored
    assert api.get(url(payment), token=merchant).body["category"] == stored
    assert OrderMetadata.objects.get(payment=payment).category == stored


def test_other_categories_are_refused(api, merchant, payment):
    for category in ["Receipt", "order_confirmation", "ORDERCONFIRMATION", "shipping", "", None, 1]:
        reply = api.put(url(payment), order_meta(category=category), token=merchant)
        assert_problem(reply, 400)
        assert names(reply) == ["category"]


def test_category_and_link_are_required(api, merchant, payment):
    for field in ["category", "orderDetailsUrl"]:
        reply = api.put(url(payment), order_meta(**{field: ...}), token=merchant)
        assert names(reply) == [field]


ACCEPTED_LINKS = [
    "https://mystore.no/order/987654",
    "https://www.vipps.no",
    "https://butikk.no/ordre?id=1&sig=a%20b#top",
    "ruter:///min/bilett",
    "mystore://orders/42",
    "com.example.shop:/orders/42",
]

REFUSED_LINKS = [
    "http://mystore.no/order/1",
    "HTTP://mystore.no/order/1",
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    " javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "blob:https://mystore.no/1",
    "https://",
    "https:///path-only",
    "https://user:secret@mystore.no/order",
    "https://mystore.no@evil.example/order",
    "//mystore.no/order",
    "/order/1",
    "www.mystore.no/order",
    "myapp:",
    "https://mystore.no/order\n",
    "https://mystore.no/" + "a" * 2048,
]


def test_order_details_url_may_be_https_or_an_app_link(api, merchant, payment):
    for link in ACCEPTED_LINKS:
        reply = api.put(url(payment), order_meta(orderDetailsUrl=link), token=merchant)
        assert reply.status == 200, link
        assert reply.body["orderDetailsUrl"] == link


def test_order_details_url_refuses_insecure_script_and_relative_links(api, merchant, payment):
    for link in REFUSED_LINKS:
        reply = api.put(url(payment), order_meta(orderDetailsUrl=link), token=merchant)
        assert_problem(reply, 400)
        assert names(reply) == ["orderDetailsUrl"], link
        assert reason_of(reply, "orderDetailsUrl")
    assert not OrderMetadata.objects.exists()


def test_unknown_transaction_id_is_a_404(api, merchant, db):
    assert_problem(api.put(url("nope"), order_meta(), token=merchant), 404)
    assert_problem(api.get(url("nope"), token=merchant), 404)


def test_payment_without_metadata_reads_as_404(api, merchant, payment):
    reply = api.get(url(payment), token=merchant)
    assert_problem(reply, 404)
    assert reply.body["code"] == "ORDER_METADATA_NOT_FOUND"


def test_failed_payment_takes_no_metadata(api, merchant, payment_factory):
    failed = payment_factory(status=Payment.Status.FAILED)
    assert_problem(api.put(url(failed), order_meta(), token=merchant), 409)


def test_writing_needs_manage_and_reading_needs_read(api, reader, writer, payment):
    assert_problem(api.put(url(payment), order_meta(), token=reader), 403)
    assert api.put(url(payment), order_meta(), token=writer).status == 200
    assert_problem(api.get(url(payment), token=writer), 403)
    assert api.get(url(payment), token=reader).status == 200


def test_post_is_a_405_problem(api, merchant, payment):
    assert_problem(api.post(url(payment), order_meta(), token=merchant), 405)
