"""Receipt corrections (Tally's addition), over real HTTP:
POST /order-management/v1/receipt/{transactionId}/versions stores the next version with a
reason; GET answers the latest, ``?version=N`` an earlier one; nothing is ever overwritten."""

from __future__ import annotations

import pytest

from orders.models import OrderTimelineEntry, Payment
from receipts.models import Receipt, ReceiptLine
from tests.receipts.conftest import assert_problem, line, names, receipt

pytestmark = pytest.mark.django_db

RETURNED = "returned one of two t-shirts"


def url(payment) -> str:
    return f"/order-management/v1/receipt/{payment.transaction_id}"


def correction(*lines, reason: str | None = RETURNED, **overrides):
    body = receipt(*lines, **overrides)
    if reason is not None:
        body["reason"] = reason
    return body


@pytest.fixture
def sent(api, merchant, payment) -> Payment:
    """A payment whose receipt (two t-shirts) was uploaded."""
    reply = api.post(
        url(payment),
        receipt(
            line(quantity=2, amountExcludingTax=20000, amountIncludingTax=25000, taxAmount=5000)
        ),
        token=merchant,
    )
    assert reply.status == 201
    return payment


def test_correction_is_stored_as_version_2_and_read_as_the_latest(api, merchant, sent):
    # when
    reply = api.post(url(sent) + "/versions", correction(line()), token=merchant)
    # then
    assert reply.status == 201
    assert reply.headers["location"] == url(sent) + "?version=2"
    assert reply.body["version"] == 2
    assert reply.body["reason"] == RETURNED
    latest = api.get(url(sent), token=merchant)
    assert latest.body == reply.body
    assert latest.body["orderLines"][0]["quantity"] == 1


def test_earlier_version_is_read_with_the_version_query(api, merchant, sent):
    # given
    first = api.get(url(sent), token=merchant).body
    api.post(url(sent) + "/versions", correction(line()), token=merchant)
    # when
    reply = api.get(url(sent), params={"version": 1}, token=merchant)
    # then
    assert reply.status == 200
    assert reply.body == first
    assert reply.body["version"] == 1
    assert "reason" not in reply.body


def test_every_correction_adds_the_next_version(api, merchant, sent):
    for n, reason in [(2, "first fix"), (3, "second fix")]:
        body = correction(line(description=reason), reason=reason)
        assert api.post(url(sent) + "/versions", body, token=merchant).body["version"] == n
    assert list(
        Receipt.objects.filter(payment=sent).order_by("version").values_list("version", "reason")
    ) == [(1, ""), (2, "first fix"), (3, "second fix")]


def test_earlier_versions_are_never_changed(api, merchant, sent):
    before = api.get(url(sent), token=merchant).body
    api.post(url(sent) + "/versions", correction(line()), token=merchant)
    api.post(url(sent) + "/versions", correction(line(), reason="again"), token=merchant)
    assert api.get(url(sent), params={"version": 1}, token=merchant).body == before


def test_plain_second_upload_is_still_a_409(api, merchant, sent):
    api.post(url(sent) + "/versions", correction(line()), token=merchant)
    reply = api.post(url(sent), receipt(line()), token=merchant)
    assert_problem(reply, 409)
    assert reply.body["code"] == "RECEIPT_EXISTS"
    assert Receipt.objects.filter(payment=sent).count() == 2


def test_retried_correction_adds_no_version(api, merchant, sent):
    # given
    first = api.post(url(sent) + "/versions", correction(line()), token=merchant)
    # when: the same body and reason again
    again = api.post(url(sent) + "/versions", correction(line()), token=merchant)
    # then
    assert again.status == 200
    assert again.body == first.body
    assert Receipt.objects.filter(payment=sent).count() == 2


def test_correction_is_recorded_in_the_order_timeline_with_who_and_why(api, merchant, sent):
    api.post(url(sent) + "/versions", correction(line()), token=merchant)
    entry = OrderTimelineEntry.objects.get(order=sent.order, action="receipt_corrected")
    assert entry.actor_kind == "APP"
    assert entry.reason == RETURNED
    assert entry.data["version"] == 2 and entry.data["previousVersion"] == 1
    assert (entry.data["previousTotalAmount"], entry.data["totalAmount"]) == (40000, 27500)


def test_correction_follows_the_receipt_rules(api, merchant, sent):
    bad = correction(line(taxAmount=1))
    reply = api.post(url(sent) + "/versions", bad, token=merchant)
    assert_problem(reply, 400)
    assert "orderLines[0].taxAmount" in names(reply)
    assert Receipt.objects.filter(payment=sent).count() == 1


def test_corrected_total_may_not_exceed_the_payment(api, merchant, sent):
    huge = line(amountExcludingTax=1000000, amountIncludingTax=1250000, taxAmount=250000)
    assert_problem(api.post(url(sent) + "/versions", correction(huge), token=merchant), 400)
    assert Receipt.objects.filter(payment=sent).count() == 1


# --- refused: problem format, nothing stored ----------------------------------------------


def test_correction_without_a_reason_is_refused(api, merchant, sent):
    for reason in [None, "", "   "]:
        reply = api.post(url(sent) + "/versions", correction(line(), reason=reason), token=merchant)
        assert_problem(reply, 400)
        assert names(reply) == ["reason"]
    assert Receipt.objects.filter(payment=sent).count() == 1
    assert not OrderTimelineEntry.objects.filter(action="receipt_corrected").exists()


def test_reason_must_be_one_line_of_text_of_at_most_300_characters(api, merchant, sent):
    for reason in ["x" * 301, "line\nbreak", 42]:
        reply = api.post(url(sent) + "/versions", correction(line(), reason=reason), token=merchant)
        assert_problem(reply, 400)
        assert names(reply) == ["reason"]


def test_correction_of_a_receipt_that_does_not_exist_is_a_404(api, merchant, payment):
    reply = api.post(url(payment) + "/versions", correction(line()), token=merchant)
    assert_problem(reply, 404)
    assert reply.body["code"] == "RECEIPT_NOT_FOUND"
    assert not Receipt.objects.exists() and not ReceiptLine.objects.exists()


def test_correction_for_an_unknown_payment_is_a_404(api, merchant, db):
    reply = api.post(
        "/order-management/v1/receipt/nope/versions", correction(line()), token=merchant
    )
    assert_problem(reply, 404)
    assert reply.body["code"] == "PAYMENT_NOT_FOUND"


def test_reason_is_not_a_field_of_a_plain_upload(api, merchant, payment):
    reply = api.post(url(payment), correction(line()), token=merchant)
    assert_problem(reply, 400)
    assert names(reply) == ["reason"]
    assert not Receipt.objects.exists()


def test_version_that_does_not_exist_is_a_404(api, merchant, sent):
    assert_problem(api.get(url(sent), params={"version": 2}, token=merchant), 404)


def test_version_must_be_a_positive_integer(api, merchant, sent):
    for version in ["0", "-1", "two", "1e3"]:
        reply = api.get(url(sent), params={"version": version}, token=merchant)
        assert_problem(reply, 400)
        assert names(reply) == ["version"]


def test_correcting_needs_the_manage_scope(api, reader, sent):
    assert_problem(api.post(url(sent) + "/versions", correction(line()), token=reader), 403)
    assert Receipt.objects.filter(payment=sent).count() == 1
