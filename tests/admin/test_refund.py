"""The admin's refund: a form, a confirmation page, then a credit note; refusals on the form."""

from __future__ import annotations

import pytest

from accounts.actors import Actor
from orders.models import CreditNote, Invoice, Payment
from orders.services.checkout import order_create_online
from orders.services.payments import invoice_pay
from tests.conftest import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def payment(clock, member, plan_factory) -> Payment:
    plan = plan_factory(name="Monthly", price="10.00")
    order = order_create_online(plan=plan, buyer=member, actor=Actor.member(member))
    return invoice_pay(invoice=Invoice.objects.get(order=order), actor=Actor.system())


def url(payment) -> str:
    return f"/admin/orders/order/payments/{payment.pk}/refund/"


def test_the_order_page_offers_a_refund_of_a_succeeded_payment(owner_client, payment):
    page = owner_client.get(f"/admin/orders/order/{payment.order_id}/change/").content.decode()
    assert url(payment) in page


def test_a_refund_is_confirmed_before_it_is_made(owner_client, payment):
    form = {"amount": "3.00", "reason": "REQUESTED_BY_CUSTOMER"}
    # when the owner fills the form
    page = owner_client.post(url(payment), form)
    # then a confirmation is asked and nothing is refunded yet
    assert 'id="refund-confirmation"' in page.content.decode()
    assert not CreditNote.objects.exists()
    # and once confirmed, the credit note is made and the owner is back on the order
    done = owner_client.post(url(payment), {**form, "confirm": "1"})
    assert done.status_code == 302
    note = CreditNote.objects.get()
    assert (note.label, str(note.amount)) == ("CN-1", "3.000")


def test_a_refused_refund_is_shown_on_the_form_and_nothing_is_written(owner_client, payment):
    form = {"amount": "99.00", "reason": "OTHER", "confirm": "1"}
    page = owner_client.post(url(payment), form).content.decode()
    assert "left to refund" in page
    assert not CreditNote.objects.exists()


def test_a_declined_refund_is_shown_on_the_order_page_and_retried_from_there(
    owner_client, clock, plan_factory
):
    # given a refund the provider declined (the test provider declines "+decline" buyers)
    buyer = make_member("dora", email="dora+decline@example.com")
    order = order_create_online(
        plan=plan_factory(price="10.00"), buyer=buyer, actor=Actor.member(buyer)
    )
    payment = invoice_pay(
        invoice=Invoice.objects.get(order=order),
        actor=Actor.system(),
        details={"card_number": "4242424242424242"},
    )
    done = owner_client.post(url(payment), {"reason": "OTHER", "confirm": "1"}, follow=True)
    assert "declined the refund" in done.content.decode()
    # then the order page shows it failed, with a retry
    note = CreditNote.objects.get()
    page = owner_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    retry = f"/admin/orders/order/credit-notes/{note.pk}/retry-refund/"
    assert "refund-failed" in page and retry in page
    # and once the card works again, the retry refunds it
    buyer.email = "dora@example.com"
    buyer.save(update_fields=["email"])
    assert "refund-retry-confirmation" in owner_client.get(retry).content.decode()
    assert owner_client.post(retry).status_code == 302
    assert CreditNote.objects.get().refund_status == "SUCCEEDED"
    assert Payment.objects.get(pk=payment.pk).status == "REFUNDED"
