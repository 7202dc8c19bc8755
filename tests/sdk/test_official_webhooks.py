"""The official Wix client (`@wix/sdk` with `@wix/auto_sdk_pricing-plans_orders`, the pinned
versions of package.json), unmodified, verifies Tally's webhook deliveries and runs its
handlers (webhook_receiver.mjs): given Tally's public key as a receiver written for Wix is
given Wix's, it accepts what Tally signed and refuses what another key signed or was changed.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest
from jwcrypto.jwk import JWK

from accounts.actors import Actor
from accounts.scopes import READ_ORDERS, WEBHOOKS_MANAGE
from orders.services.checkout import order_create_offline
from orders.services.lifecycle import order_pause, order_resume
from webhooks.relay import Relay
from webhooks.services import signing
from webhooks.services.endpoints import webhook_endpoint_create
from webhooks.services.keys import public_pem, signing_key_current

HERE = Path(__file__).resolve().parent
HANDLED = [
    "wix.pricing_plans.v2.order_created",
    "wix.pricing_plans.v2.order_paused",
    "wix.pricing_plans.v2.order_resumed",
]


class NodeReceiver:
    def __init__(self, *, app_id: str, public_key: str) -> None:
        node = shutil.which("node")
        if node is None:
            pytest.fail("Node.js is needed for the official client test (apt-get install nodejs).")
        if not (HERE / "node_modules" / "@wix" / "sdk").is_dir():
            pytest.fail("Install the official client first: make test-deps (npm ci in tests/sdk).")
        config = json.dumps({"appId": app_id, "publicKey": public_key})
        self.process = subprocess.Popen(
            [node, str(HERE / "webhook_receiver.mjs")],
            cwd=HERE,
            env={**os.environ, "TALLY_RECEIVER_CONFIG": config},
            stdout=subprocess.PIPE,
            text=True,
        )
        self.port = json.loads(self.process.stdout.readline())["port"]
        self.url = f"http://127.0.0.1:{self.port}/webhooks"

    def results(self) -> list[dict]:
        with urllib.request.urlopen(self.url, timeout=10) as reply:
            return json.loads(reply.read())

    def post(self, body: bytes) -> int:
        request = urllib.request.Request(self.url, data=body, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return reply.status
        except urllib.error.HTTPError as error:
            return error.code

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(autouse=True)
def local_receivers_allowed(settings):
    settings.TALLY_WEBHOOK_ALLOW_PRIVATE = True


@pytest.fixture
def hook_app(app_factory):
    return app_factory(scopes=[READ_ORDERS, WEBHOOKS_MANAGE])


@pytest.fixture
def monthly_plan(plan_factory):
    return plan_factory(name="Monthly", price="10.00", cycle_count=12)


@pytest.fixture
def node_receiver(hook_app, db):
    key = signing_key_current()
    receiver = NodeReceiver(app_id=str(hook_app[0].app_def_id), public_key=public_pem(key))
    yield receiver
    receiver.close()


def test_the_official_client_verifies_deliveries_and_runs_each_handler_with_its_order(
    node_receiver, hook_app, monthly_plan, member, owner
):
    # given an endpoint for the three events the receiver handles
    webhook_endpoint_create(app=hook_app[0], url=node_receiver.url, event_types=HANDLED)
    # when an order is created, paused and resumed, and the relay delivers
    order = order_create_offline(
        plan=monthly_plan, buyer=member, actor=Actor.owner(owner), paid=True
    )
    order_pause(order.pk, actor=Actor.app(hook_app[0]))
    order_resume(order.pk, actor=Actor.app(hook_app[0]))
    relay = Relay(listen=False)
    try:
        relay.run_until_idle()
    finally:
        relay.pool.shutdown(wait=True)
    # then the client accepted each and ran its handler with the order's id
    results = node_receiver.results()
    assert [r for r in results if "refused" in r] == []
    assert [(r["handler"], r["orderId"]) for r in results] == [
        ("onOrderCreated", str(order.pk)),
        ("onOrderPaused", str(order.pk)),
        ("onOrderResumed", str(order.pk)),
    ]


def a_signed_pause(key: JWK, kid: str, order_id: str) -> bytes:
    event = {
        "id": "0b7f3d5e-8f0a-4d35-a0c4-6d5b8e1f2a3c",
        "entityFqdn": "wix.pricing_plans.v2.order",
        "slug": "paused",
        "entityId": order_id,
        "eventTime": "2026-01-15T12:00:00.000Z",
        "entityEventSequence": "3",
        "actionEvent": {"body": {"order": {"id": order_id, "status": "PAUSED"}}},
    }
    signer = signing.WixSigner(key=key, kid=kid, issuer="x", instance_id="i")
    body, _ = signing.wix_request(
        signer, event=event, event_type=HANDLED[1], identity=None, audience="a", now=2**31 - 700
    )
    return body


def test_the_official_client_refuses_another_keys_signature_and_a_changed_body(node_receiver):
    order_id = "5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    # a delivery signed with another key
    stranger = JWK.generate(kty="RSA", size=2048)
    assert node_receiver.post(a_signed_pause(stranger, "other", order_id)) == 401
    # a delivery signed with Tally's key, then changed
    key = signing_key_current()
    genuine = a_signed_pause(JWK.from_pem(key.private_pem.encode()), key.kid, order_id)
    assert node_receiver.post(genuine) == 200
    head, claims, signature = genuine.split(b".")
    changed = json.loads(base64.urlsafe_b64decode(claims + b"=="))
    changed["data"] = changed["data"].replace("PAUSED", "ACTIVE")
    forged = base64.urlsafe_b64encode(json.dumps(changed).encode()).rstrip(b"=")
    assert node_receiver.post(b".".join([head, forged, signature])) == 401
    # only the genuine one ran a handler
    results = node_receiver.results()
    assert [r.get("handler") for r in results] == [None, "onOrderPaused", None]
    assert all("refused" in r for r in (results[0], results[2]))
