"""Signatures: Standard Webhooks verified by the standardwebhooks package, the key rotation,
and the JWKS (contract sections 2 and 3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from accounts.actors import Actor
from orders.services.lifecycle import order_pause
from tests.webhooks.helpers import wix_payload
from webhooks.models import SigningKey
from webhooks.services.endpoints import webhook_endpoint_create, webhook_endpoint_rotate_secret
from webhooks.services.keys import jwks

PAUSED = "wix.pricing_plans.v2.order_paused"


def standard_endpoint(hook_app, receiver):
    return webhook_endpoint_create(
        app=hook_app[0], url=receiver.url, format="standard-webhooks", event_types=[PAUSED]
    )


def test_standard_webhooks_deliveries_verify_with_the_package(
    clock, receiver, hook_app, order_factory, relay, owner
):
    # given a Standard Webhooks endpoint and its secret (shown once)
    _, secret = standard_endpoint(hook_app, receiver)
    order = order_factory()
    # when a pause is delivered
    order_pause(order.pk, actor=Actor.owner(owner))
    relay.run_until_idle()
    # then the official verifier accepts it and reads the event
    (hit,) = receiver.hits
    body = Webhook(secret).verify(hit.body, hit.headers)
    assert body["type"] == PAUSED and body["data"]["entityId"] == str(order.pk)
    assert hit.headers["webhook-id"] == body["data"]["id"]
    assert hit.headers["Content-Type"] == "application/json"


def test_a_tampered_standard_webhooks_delivery_does_not_verify(
    clock, receiver, hook_app, order_factory, relay, owner
):
    _, secret = standard_endpoint(hook_app, receiver)
    order_pause(order_factory().pk, actor=Actor.owner(owner))
    relay.run_until_idle()
    (hit,) = receiver.hits
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(hit.body.replace(b"PAUSED", b"ACTIVE"), hit.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 43 + "=").verify(hit.body, hit.headers)


def test_a_rotated_secret_signs_beside_the_new_one_for_a_day(
    clock, receiver, hook_app, order_factory, relay, owner
):
    endpoint, old = standard_endpoint(hook_app, receiver)
    order = order_factory()
    _, new = webhook_endpoint_rotate_secret(endpoint.pk, app=hook_app[0])
    # within the day: both verify
    order_pause(order.pk, actor=Actor.owner(owner))
    relay.run_until_idle()
    hit = receiver.hits[-1]
    assert len(hit.headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(hit.body, hit.headers)
    Webhook(new).verify(hit.body, hit.headers)
    # a day later: only the new one
    from orders.services.lifecycle import order_resume

    clock.advance(hours=25)
    order_resume(order.pk, actor=Actor.owner(owner))
    clock.advance(seconds=1)
    order_pause(order.pk, actor=Actor.owner(owner))
    relay.run_until_idle()
    hit = receiver.hits[-1]
    Webhook(new).verify(hit.body, hit.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(hit.body, hit.headers)


def test_a_rotated_key_signs_at_once_and_the_old_one_stays_published_for_a_week(
    clock, receiver, endpoint_factory, order_factory, relay, owner
):
    endpoint_factory(receiver.url, event_types=[PAUSED])
    order = order_factory()
    first = jwks()["keys"][0]["kid"]
    # when the key is rotated
    call_command("rotate_webhook_key")
    order_pause(order.pk, actor=Actor.owner(owner))
    relay.run_until_idle()
    # then the new key signed, and both are published
    (hit,) = receiver.hits
    current = SigningKey.objects.get(is_current=True).kid
    assert current != first and wix_payload(hit.body)["header"]["kid"] == current
    assert {k["kid"] for k in jwks()["keys"]} == {first, current}
    # and a week later the old one is gone
    clock.advance(timedelta(days=7, seconds=1))
    assert [k["kid"] for k in jwks()["keys"]] == [current]


def test_the_private_key_is_never_published(db):
    published = jwks()["keys"][0]
    assert set(published) == {"kty", "n", "e", "kid", "use", "alg"}
