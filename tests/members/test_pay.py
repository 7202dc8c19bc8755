"""Paying a draft through the configured payment provider (the test provider's cards)."""

from __future__ import annotations

import pytest

from accounts.actors import Actor
from orders.errors import IllegalTransition, OrderNotFound
from orders.models import Order, OrderStatus, Payment, PaymentStatus
from orders.services.payments import invoice_pay
from tests.members.conftest import buy

pytestmark = pytest.mark.django_db

APPROVED = "4242 4242 4242 4242"
DECLINED = "4000 0000 0000 0002"


@pytest.fixture
def draft(client, clock, member, monthly) -> Order:
    client.force_login(member)
    buy(client, monthly)
    return Order.objects.get(buyer=member)


def test_pay_page_shows_the_invoice_and_the_test_card_form(client, draft):
    page = client.get(f"/account/orders/{draft.pk}/pay/").content.decode()
    assert "10.00 EUR" in page
    assert 'for="id_card_number"' in page
    assert "4242 4242 4242 4242" in page


def test_an_approved_card_buys_the_order_and_shows_the_confirmation(client, draft):
    response = client.post(f"/account/orders/{draft.pk}/pay/", {"card_number": APPROVED})
    assert response["Location"] == f"/account/orders/{draft.pk}/confirmation/"
    draft.refresh_from_db()
    assert (draft.status, draft.last_payment_status) == (OrderStatus.ACTIVE, PaymentStatus.PAID)
    page = client.get(response["Location"]).content.decode()
    assert "Invoice" in page and "10.00 EUR" in page


def test_a_declined_card_shows_why_and_leaves_the_draft_to_try_again(client, draft):
    response = client.post(f"/account/orders/{draft.pk}/pay/", {"card_number": DECLINED})
    assert response.status_code == 402
    assert "The card was declined" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.status, draft.last_payment_status) == (OrderStatus.DRAFT, PaymentStatus.FAILED)
    retry = client.post(f"/account/orders/{draft.pk}/pay/", {"card_number": APPROVED})
    assert retry.status_code == 302
    draft.refresh_from_db()
    assert draft.status == OrderStatus.ACTIVE


def test_a_card_that_is_no_test_card_is_declined_with_the_test_cards_named(client, draft):
    response = client.post(
        f"/account/orders/{draft.pk}/pay/", {"card_number": "5555 5555 5555 4444"}
    )
    assert "4242 4242 4242 4242" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == OrderStatus.DRAFT


def test_a_malformed_card_number_is_refused_and_changes_nothing(client, draft):
    response = client.post(f"/account/orders/{draft.pk}/pay/", {"card_number": "42"})
    assert response.status_code == 400
    assert "12 to 19 digits" in response.content.decode()
    assert not Payment.objects.exists()


def test_paying_twice_charges_once(client, draft):
    client.post(f"/account/orders/{draft.pk}/pay/", {"card_number": APPROVED})
    again = client.post(f"/account/orders/{draft.pk}/pay/", {"card_number": APPROVED})
    assert again.status_code == 302
    assert Payment.objects.filter(order=draft, status="SUCCEEDED").count() == 1


def test_another_members_pay_page_is_not_found(client, draft, other_member):
    client.force_login(other_member)
    assert client.get(f"/account/orders/{draft.pk}/pay/").status_code == 404
    response = client.post(f"/account/orders/{draft.pk}/pay/", {"card_number": APPROVED})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == OrderStatus.DRAFT


def test_a_member_may_pay_only_their_own_invoice(draft, other_member):
    with pytest.raises(OrderNotFound):
        invoice_pay(
            invoice=draft.invoices.get(),
            actor=Actor.member(other_member),
            details={"card_number": "4242424242424242"},
        )


def test_a_member_pays_by_hand_only_a_draft(draft, member):
    invoice = draft.invoices.get()
    invoice_pay(
        invoice=invoice, actor=Actor.member(member), details={"card_number": "4242424242424242"}
    )
    with pytest.raises(IllegalTransition) as refusal:
        invoice_pay(
            invoice=invoice, actor=Actor.member(member), details={"card_number": "4242424242424242"}
        )
    assert refusal.value.code == "ORDER_NOT_DRAFT"
