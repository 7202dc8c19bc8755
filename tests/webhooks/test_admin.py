"""The owner's webhook pages (Django admin): endpoints of every app, deliveries with their
attempts, enable/disable, replays, and the signing key's public half."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.actors import Actor
from orders.services.lifecycle import order_pause
from tests.conftest import make_member
from tests.webhooks.helpers import wix_payload
from webhooks.models import Delivery, Endpoint, SigningKey
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


@pytest.fixture
def viewer_client(client, db):
    """A staff member who may see the webhook pages but change nothing."""
    viewer = make_member("hooks-viewer", is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="webhooks",
            codename__in=["view_endpoint", "view_delivery", "view_signingkey"],
        )
    )
    client.force_login(viewer)
    return client


def changes_of_every_kind(endpoint_factory, order_factory, relay, owner, receiver):
    """An endpoint with a delivered pause: ``(endpoint, delivery)``."""
    endpoint = endpoint_factory(receiver.url, event_types=[PAUSED])
    order_pause(order_factory().pk, actor=Actor.owner(owner))
    relay.run_until_idle()
    return endpoint, Delivery.objects.get()


def webhook_state() -> list:
    return [
        *Endpoint.objects.values(),
        *Delivery.objects.order_by("pk").values(),
        *SigningKey.objects.order_by("pk").values(),
    ]


@pytest.mark.parametrize(
    "attempt",
    ["replay page", "replay page get", "replay delivery", "replay orders", "rotate key"]
    + ["enable", "disable", "rotate secret"],
)
def test_a_view_only_staff_member_gets_403_and_nothing_changes(
    clock, viewer_client, endpoint_factory, order_factory, relay, owner, receiver, attempt
):
    # given an endpoint that received a pause, and the signing key it used
    endpoint, delivery = changes_of_every_kind(
        endpoint_factory, order_factory, relay, owner, receiver
    )
    before = webhook_state()
    replay_page = reverse("admin:webhooks_endpoint_replay", args=[endpoint.pk])
    deliveries = reverse("admin:webhooks_delivery_changelist")
    keys_page = reverse("admin:webhooks_signingkey_changelist")
    key = SigningKey.objects.get()
    requests = {
        "replay page": (replay_page, {"order_id": str(delivery.order_id)}),
        "replay page get": (replay_page, None),
        "replay delivery": (deliveries, action("replay_delivery", delivery.pk)),
        "replay orders": (deliveries, action("replay_orders", delivery.pk)),
        "rotate key": (keys_page, action("rotate", key.pk)),
        "enable": (ENDPOINTS, action("enable", endpoint.pk)),
        "disable": (ENDPOINTS, action("disable", endpoint.pk)),
        "rotate secret": (ENDPOINTS, action("rotate_secret", endpoint.pk)),
    }
    path, data = requests[attempt]
    # when the viewer tries
    response = viewer_client.get(path) if data is None else viewer_client.post(path, data)
    relay.run_until_idle()
    # then it is refused, and nothing changed or went out again
    assert response.status_code == 403
    assert webhook_state() == before and len(receiver.hits) == 1


def action(name: str, pk) -> dict:
    return {"action": name, "_selected_action": [pk]}


def test_the_viewer_still_sees_the_pages(
    clock, viewer_client, endpoint_factory, order_factory, relay, owner, receiver
):
    endpoint, delivery = changes_of_every_kind(
        endpoint_factory, order_factory, relay, owner, receiver
    )
    for path in (
        ENDPOINTS,
        reverse("admin:webhooks_endpoint_change", args=[endpoint.pk]),
        reverse("admin:webhooks_delivery_change", args=[delivery.pk]),
        reverse("admin:webhooks_signingkey_changelist"),
    ):
        assert viewer_client.get(path).status_code == 200, path


def test_a_staff_member_with_the_change_permissions_replays_and_rotates(
    clock, client, endpoint_factory, order_factory, relay, owner, receiver
):
    # given a staff member (not a superuser) who may change deliveries and signing keys
    editor = make_member("hooks-editor", is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="webhooks",
            codename__in=["view_delivery", "change_delivery", "view_signingkey"]
            + ["change_signingkey"],
        )
    )
    client.force_login(editor)
    _, delivery = changes_of_every_kind(endpoint_factory, order_factory, relay, owner, receiver)
    old_key = SigningKey.objects.get()
    # when they replay the delivery and rotate the key
    client.post(
        reverse("admin:webhooks_delivery_changelist"), action("replay_delivery", delivery.pk)
    )
    client.post(reverse("admin:webhooks_signingkey_changelist"), action("rotate", old_key.pk))
    relay.run_until_idle()
    # then the event went again, signed by the new key
    assert len(receiver.hits) == 2
    assert SigningKey.objects.get(is_current=True).kid != old_key.kid
    assert wix_payload(receiver.hits[1].body)["header"]["kid"] != old_key.kid
