"""Every field of the member pages has a label, and every form POST needs its CSRF token."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from orders.models import Order
from tests.members.conftest import buy, checkout_form

pytestmark = pytest.mark.django_db


class Fields(HTMLParser):
    """The ids of the visible inputs of a page, and the ids its labels name."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[str] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            self.inputs.append(attrs.get("id") or attrs.get("name") or "?")


def unlabelled(html: str) -> list[str]:
    fields = Fields()
    fields.feed(html)
    return [field for field in fields.inputs if field not in fields.labelled]


def test_every_field_of_the_member_pages_has_a_label(client, clock, member, monthly):
    anonymous_pages = ["/accounts/login/", "/accounts/sign-up/", "/accounts/password_reset/"]
    for path in anonymous_pages:
        assert unlabelled(client.get(path).content.decode()) == [], path
    client.force_login(member)
    buy(client, monthly)
    order = Order.objects.get(buyer=member)
    member_pages = [
        f"/plans/{monthly.pk}/checkout/",
        f"/account/orders/{order.pk}/pay/",
        "/account/orders/",
        "/account/",
        "/accounts/password_change/",
    ]
    for path in member_pages:
        assert unlabelled(client.get(path).content.decode()) == [], path


def test_checkout_and_pay_refuse_a_post_without_the_csrf_token(client, clock, member, monthly):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    assert strict.post(f"/plans/{monthly.pk}/checkout/", checkout_form()).status_code == 403
    assert not Order.objects.exists()
    client.force_login(member)
    buy(client, monthly)
    order = Order.objects.get(buyer=member)
    card = {"card_number": "4242424242424242"}
    assert strict.post(f"/account/orders/{order.pk}/pay/", card).status_code == 403
    order.refresh_from_db()
    assert order.status == "DRAFT"
