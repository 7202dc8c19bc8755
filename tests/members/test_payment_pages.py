"""A member's pages after a refund or a declined renewal: credit notes, printable; pay now."""

from __future__ import annotations

import pytest

from accounts.actors import Actor
from orders.models import Invoice
from orders.services.checkout import order_create_online
from orders.services.clock import clock_run
from orders.services.payments import invoice_pay
from orders.services.refunds import payment_refund
from tests.conftest import make_member

pytestmark = pytest.mark.django_db
CARD = {"card_number": "4242424242424242"}


@pytest.fixture
def refunded(clock, member, owner, plan_factory):
    plan = plan_factory(name="Monthly", price="10.00")
    order = order_create_online(plan=plan, buyer=member, actor=Actor.member(member))
    payment = invoice_pay(
        invoice=Invoice.objects.get(order=order), actor=Actor.member(member), details=CARD
    )
    return payment_refund(
        payment_id=payment.pk, actor=Actor.owner(owner), reason="DUPLICATE", amount="2.50"
    ).credit_note


def test_the_member_sees_the_credit_note_on_the_order_and_prints_it(client, member, refunded):
    client.force_login(member)
    page = client.get(f"/account/orders/{refunded.order_id}/").content.decode()
    assert "CN-1" in page
    note = client.get(f"/account/credit-notes/{refunded.pk}/")
    assert note.status_code == 200
    text = note.content.decode()
    assert "Credit note CN-1" in text and "Duplicate payment" in text and "2.50" in text


def test_another_members_credit_note_does_not_exist(client, other_member, refunded):
    client.force_login(other_member)
    assert client.get(f"/account/credit-notes/{refunded.pk}/").status_code == 404


def test_a_past_due_member_is_offered_to_pay_the_open_invoice_now(client, clock, plan_factory):
    buyer = make_member("eve", email="eve+decline@example.com")
    plan = plan_factory(name="Monthly", price="10.00")
    order = order_create_online(plan=plan, buyer=buyer, actor=Actor.member(buyer))
    invoice_pay(invoice=Invoice.objects.get(order=order), actor=Actor.member(buyer), details=CARD)
    order.refresh_from_db()
    clock.set(order.next_transition_at)
    clock_run()
    client.force_login(buyer)
    page = client.get(f"/account/orders/{order.pk}/").content.decode()
    assert "we try again on" in page and 'id="pay-link"' in page
    assert client.get(f"/account/orders/{order.pk}/pay/").status_code == 200
