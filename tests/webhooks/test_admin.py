"""The owner's webhook pages (Django admin): endpoints of every app, deliveries with their
attempts, enable/disable, replays, and the signing key's public half."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.actors import Actor
from orders.services.lifecycle import order_pause
from webhooks.models import Delivery, Endpoint
from webhooks.services.keys import instance_id, public_pem, signing_key_current

PAUSED = "wix.pricing_plans.v2.order_paused"
ENDPOINTS = reverse("admin:webhooks_endpoint_changelist")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_owner_sees_every_endpoint_of_every_app(
    admin_client, endpoint_factory, app_factory, receiver
):
    other_app = app_factory(scopes=["PRICING_PLANS.READ_ORDERS"])[0]
    endpoint_factory(receiver.url + "/mine")
    endpoint_factory(receiver.url + "/theirs", app=other_app)
    page = admin_client.get(ENDPOINTS).content.decode()
    assert "/hook/mine" in page and "/hook/theirs" in page


def test_an_endpoint_page_shows_recent_deliveries_with_their_attempts(
    clock, admin_client, endpoint_factory, order_factory, relay, owner, receiver
):
    endpoint = endpoint_factory(receiver.url, event_types=[PAUSED])
    order_pause(order_factory().pk, actor=Actor.owner(owner))
    relay.run_until_idle()
    page = admin_client.get(reverse("admin:webhooks_endpoint_change", args=[endpoint.pk]))
    assert "paused" in page.content.decode() and "DELIVERED" in page.content.decode()
    delivery = Delivery.objects.get()
    detail = admin_client.get(reverse("admin:webhooks_delivery_change", args=[delivery.pk]))
    assert detail.status_code == 200 and ">200<" in detail.content.decode()


def test_the_owner_disables_and_enables_endpoints(admin_client, endpoint_factory, receiver):
    endpoint = endpoint_factory(receiver.url)
    admin_client.post(ENDPOINTS, {"action": "disable", "_selected_action": [endpoint.pk]})
    endpoint.refresh_from_db()
    assert not endpoint.enabled and endpoint.disabled_reason == Endpoint.DisabledReason.MANUAL
    admin_client.post(ENDPOINTS, {"action": "enable", "_selected_action": [endpoint.pk]})
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.disabled_reason == ""


def test_the_owner_replays_an_order_and_a_time_range_and_one_delivery(
    clock, admin_client, endpoint_factory, order_factory, relay, owner, receiver
):
    endpoint = endpoint_factory(receiver.url, event_types=[PAUSED])
    order = order_factory()
    order_pause(order.pk, actor=Actor.owner(owner))
    relay.run_until_idle()
    replay_page = reverse("admin:webhooks_endpoint_replay", args=[endpoint.pk])
    # an order's events
    admin_client.post(replay_page, {"order_id": str(order.pk)})
    relay.run_until_idle()
    # a time range
    clock.advance(seconds=1)
    admin_client.post(replay_page, {"since": "2026-01-01 00:00:00"})
    relay.run_until_idle()
    # one delivery
    first = Delivery.objects.filter(status=Delivery.Status.DELIVERED).first()
    admin_client.post(
        reverse("admin:webhooks_delivery_changelist"),
        {"action": "replay_delivery", "_selected_action": [first.pk]},
    )
    relay.run_until_idle()
    assert len(receiver.hits) == 4


def test_an_endpoint_added_in_the_admin_is_checked_and_its_secret_shown_once(
    admin_client, hook_app, app_factory, receiver, settings
):
    add = reverse("admin:webhooks_endpoint_add")
    form = {"app": hook_app[0].pk, "url": "https://10.0.0.1/hook", "format": "standard-webhooks"}
    settings.TALLY_WEBHOOK_ALLOW_PRIVATE = False
    refused = admin_client.post(add, {**form, "description": "", "enabled": "on"})
    assert refused.status_code == 200 and "private or local address" in refused.content.decode()
    assert not Endpoint.objects.exists()
    settings.TALLY_WEBHOOK_ALLOW_PRIVATE = True
    reader_only = app_factory(scopes=["WEBHOOKS.MANAGE"])[0]
    refused = admin_client.post(add, {**form, "app": reader_only.pk, "url": receiver.url})
    assert refused.status_code == 200 and "READ_ORDERS" in refused.content.decode()
    added = admin_client.post(add, {**form, "url": receiver.url, "enabled": "on"})
    assert added.status_code == 302
    assert any("whsec_" in m for m in messages_of(added))
    assert Endpoint.objects.get().format == "standard-webhooks"


def test_the_key_page_shows_the_public_pem_and_instance_id_never_the_private_key(
    admin_client,
):
    key = signing_key_current()
    page = admin_client.get(reverse("admin:webhooks_signingkey_change", args=[key.pk]))
    text = page.content.decode()
    assert public_pem(key).splitlines()[1] in text and instance_id() in text
    assert "PRIVATE KEY" not in text and key.private_pem.splitlines()[1] not in text
