"""The dashboard reads as Tally: its name on every page, lists titled by what they hold."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/orders/order/", "/admin/orders/plan/", "/admin/accounts/user/"]
)
def test_every_admin_page_says_tally_not_django(owner_client, url):
    page = owner_client.get(url).content.decode()
    assert "Django administration" not in page and "Django site admin" not in page
    assert "| Tally</title>" in page
    assert "/static/tally/admin-theme.css" in page


@pytest.mark.parametrize(
    ("url", "title"),
    [("/admin/orders/order/", "Orders"), ("/admin/accounts/user/", "Members")],
)
def test_lists_are_titled_by_what_they_hold(owner_client, url, title):
    page = owner_client.get(url).content.decode()
    assert f"<h1>{title}</h1>" in page
    assert "Select " not in page.split("<h1>")[1].split("</h1>")[0]


def test_an_order_page_is_a_view_not_a_form(owner_client, order_factory, clock):
    order = order_factory()
    page = owner_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert "<h1>View order</h1>" in page
