"""An owner without the change permission sees orders but cannot run any action."""

from __future__ import annotations

import pytest

from orders.models import Order

pytestmark = pytest.mark.django_db

LIST = "/admin/orders/order/"


def test_viewer_sees_the_orders_list_and_the_order_page(client, viewer, order_factory):
    order = order_factory()
    client.force_login(viewer)
    assert client.get(LIST).status_code == 200
    page = client.get(f"{LIST}{order.pk}/change/")
    assert page.status_code == 200
    assert "Monthly" in page.content.decode()


def test_viewer_is_offered_no_actions(client, viewer, order_factory):
    order = order_factory()
    client.force_login(viewer)
    listing = client.get(LIST)
    page = client.get(f"{LIST}{order.pk}/change/")
    assert listing.context["action_form"] is None
    assert 'name="action"' not in listing.content.decode()
    assert 'id="order-actions"' not in page.content.decode()


def test_viewer_posting_an_action_changes_nothing(client, viewer, order_factory):
    order = order_factory(status="ACTIVE")
    client.force_login(viewer)
    response = client.post(
        LIST, {"action": "pause", "_selected_action": [str(order.pk)], "post": "yes"}
    )
    assert response.status_code in (200, 302, 403)
    assert Order.objects.get(pk=order.pk).status == "ACTIVE"


def test_viewer_cannot_open_add_offline_order(client, viewer):
    client.force_login(viewer)
    assert client.get(f"{LIST}add/").status_code == 403


def test_viewer_may_export_what_they_may_see(client, viewer, order_factory):
    order_factory()
    client.force_login(viewer)
    assert client.get(f"{LIST}export.csv").status_code == 200


def test_the_order_page_has_no_save_button_even_for_the_owner(owner_client, order_factory):
    order = order_factory()
    page = owner_client.get(f"{LIST}{order.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    response = owner_client.post(f"{LIST}{order.pk}/change/", {"status": "CANCELED"})
    assert response.status_code == 403
    assert Order.objects.get(pk=order.pk).status == "ACTIVE"


def test_nobody_deletes_orders_in_the_admin(owner_client, order_factory):
    order = order_factory()
    assert owner_client.get(f"{LIST}{order.pk}/delete/").status_code == 403
