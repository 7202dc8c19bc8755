"""The /api/v1/webhook-endpoints calls over real HTTP (contract section 1)."""

from __future__ import annotations

import json

import pytest

from accounts.scopes import READ_ORDERS, WEBHOOKS_MANAGE
from webhooks.models import Attempt, Delivery, Endpoint
from webhooks.services.fanout import events_fan_out

PATH = "/api/v1/webhook-endpoints"
PAUSED = "wix.pricing_plans.v2.order_paused"
HOOK = "https://93.184.215.14/hook"  # a public address: no DNS needed


def violations(reply) -> list[str]:
    return [v["field"] for v in reply.body["details"]["validationError"]["fieldViolations"]]


def test_create_answers_the_endpoint_and_lists_it(api, hook_app, receiver):
    token = hook_app[1]
    # when
    reply = api.post(PATH, {"url": receiver.url, "eventTypes": [PAUSED]}, token=token)
    # then
    assert reply.status == 201
    endpoint = reply.body["endpoint"]
    assert endpoint["url"] == receiver.url and endpoint["eventTypes"] == [PAUSED]
    assert endpoint["format"] == "wix" and endpoint["enabled"] is True
    assert "secret" not in reply.body
    listed = api.get(PATH, token=token).body["endpoints"]
    assert [e["id"] for e in listed] == [endpoint["id"]]
    assert api.get(f"{PATH}/{endpoint['id']}", token=token).body["endpoint"] == endpoint


def test_standard_webhooks_secret_is_shown_once(api, hook_app, receiver):
    token = hook_app[1]
    reply = api.post(PATH, {"url": receiver.url, "format": "standard-webhooks"}, token=token)
    assert reply.status == 201 and reply.body["secret"].startswith("whsec_")
    endpoint_id = reply.body["endpoint"]["id"]
    assert "secret" not in api.get(f"{PATH}/{endpoint_id}", token=token).body
    rotated = api.post(f"{PATH}/{endpoint_id}/rotate-secret", {}, token=token)
    assert rotated.status == 200 and rotated.body["secret"] != reply.body["secret"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "http://93.184.215.14/hook"}, "url"),
        ({"url": "https://127.0.0.1/hook"}, "url"),
        ({"url": "https://10.1.2.3/hook"}, "url"),
        ({"url": "https://[::1]/hook"}, "url"),
        ({"url": "https://169.254.169.254/latest"}, "url"),
        ({"url": "https://localhost/hook"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"url": ""}, "url"),
        ({}, "url"),
        (
            {"url": HOOK, "eventTypes": [PAUSED, "wix.pricing_plans.v2.order_created", "nope"]},
            "eventTypes[2]",
        ),
        ({"url": HOOK, "format": "xml"}, "format"),
        ({"url": HOOK, "description": "x" * 501}, "description"),
        ({"url": HOOK, "enabled": "maybe"}, "enabled"),
        ({"url": HOOK, "enabled": "true"}, "enabled"),  # booleans only as JSON true/false
        ({"url": HOOK, "enabled": 1}, "enabled"),
        ({"url": HOOK, "eventTypes": "all"}, "eventTypes"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(
    api, hook_app, settings, body, field
):
    # given the guard as in production
    settings.TALLY_WEBHOOK_ALLOW_PRIVATE = False
    # when
    reply = api.post(PATH, body, token=hook_app[1])
    # then
    assert reply.status == 400, reply.body
    assert violations(reply) == [field]
    assert not Endpoint.objects.exists()


def test_a_change_is_validated_like_a_create_and_changes_nothing(api, hook_app, receiver):
    token = hook_app[1]
    endpoint = api.post(PATH, {"url": receiver.url}, token=token).body["endpoint"]
    reply = api.patch(
        f"{PATH}/{endpoint['id']}", {"description": "ok", "eventTypes": ["bad"]}, token=token
    )
    assert reply.status == 400 and violations(reply) == ["eventTypes[0]"]
    assert Endpoint.objects.get().description == ""


def test_a_change_disables_and_enables(api, hook_app, receiver):
    token = hook_app[1]
    endpoint = api.post(PATH, {"url": receiver.url}, token=token).body["endpoint"]
    off = api.patch(f"{PATH}/{endpoint['id']}", {"enabled": False}, token=token).body["endpoint"]
    assert off["enabled"] is False and off["disabledReason"] == "MANUAL"
    on = api.patch(f"{PATH}/{endpoint['id']}", {"enabled": True}, token=token).body["endpoint"]
    assert on["enabled"] is True and "disabledReason" not in on


def test_another_apps_endpoint_is_not_found(api, hook_app, app_factory, receiver):
    # given an endpoint of another app
    other = app_factory(scopes=[READ_ORDERS, WEBHOOKS_MANAGE])[1]
    endpoint = api.post(PATH, {"url": receiver.url}, token=other).body["endpoint"]
    token = hook_app[1]
    # when the first app reaches for it, then it does not exist for it
    for reply in (
        api.get(f"{PATH}/{endpoint['id']}", token=token),
        api.patch(f"{PATH}/{endpoint['id']}", {"description": "mine"}, token=token),
        api.request("DELETE", f"{PATH}/{endpoint['id']}", token=token),
        api.get(f"{PATH}/{endpoint['id']}/deliveries", token=token),
        api.post(f"{PATH}/{endpoint['id']}/replay", {"orderId": endpoint["id"]}, token=token),
        api.get(f"{PATH}/not-a-guid", token=token),
    ):
        assert reply.status == 404
        assert reply.body["details"]["applicationError"]["code"] == "WEBHOOK_ENDPOINT_NOT_FOUND"
    assert api.get(PATH, token=token).body["endpoints"] == []
    assert Endpoint.objects.get().description == ""


def test_endpoints_need_the_webhooks_scope_and_the_orders_scope(api, app_factory, receiver):
    without_manage = app_factory(scopes=[READ_ORDERS])[1]
    without_read = app_factory(scopes=[WEBHOOKS_MANAGE])[1]
    reply = api.post(PATH, {"url": receiver.url}, token=without_manage)
    assert reply.status == 403
    reply = api.post(PATH, {"url": receiver.url}, token=without_read)
    assert reply.status == 403 and "READ_ORDERS" in reply.body["message"]
    assert api.get(PATH).status == 401
    assert not Endpoint.objects.exists()


def test_delete_answers_empty_and_the_endpoint_is_gone(api, hook_app, receiver):
    token = hook_app[1]
    endpoint = api.post(PATH, {"url": receiver.url}, token=token).body["endpoint"]
    assert api.request("DELETE", f"{PATH}/{endpoint['id']}", token=token).body == {}
    assert api.get(f"{PATH}/{endpoint['id']}", token=token).status == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "eventIds"),
        ({"eventIds": []}, "eventIds"),
        ({"eventIds": ["x"]}, "eventIds[0]"),
        ({"orderId": "x"}, "orderId"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "until"),
        (
            {"orderId": "6a0b1a52-8f57-4b8e-9d2e-2d7f1f9f0c11", "since": "2026-01-01T00:00:00Z"},
            "eventIds",
        ),
    ],
)
def test_replay_refuses_bad_input_naming_the_field(api, hook_app, receiver, body, field):
    token = hook_app[1]
    endpoint = api.post(PATH, {"url": receiver.url}, token=token).body["endpoint"]
    reply = api.post(f"{PATH}/{endpoint['id']}/replay", body, token=token)
    assert reply.status == 400 and violations(reply) == [field]


def test_replay_of_a_disabled_endpoint_is_a_conflict(api, hook_app, receiver):
    token = hook_app[1]
    endpoint = api.post(PATH, {"url": receiver.url, "enabled": False}, token=token).body
    path = f"{PATH}/{endpoint['endpoint']['id']}/replay"
    reply = api.post(path, {"since": "2026-01-01T00:00:00Z"}, token=token)
    assert reply.status == 409


def test_jwks_serves_the_public_key_without_authentication(api):
    reply = api.get("/.well-known/jwks.json")
    assert reply.status == 200
    (key,) = reply.body["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
    assert key["kid"] and "d" not in key and "p" not in key


UNKNOWN = "6a0b1a52-8f57-4b8e-9d2e-2d7f1f9f0c11"
# (method, path after the endpoint's, body or query, status, the field named or the error code);
# ``{event}`` is the id of an event the endpoint received.
REFUSED = [
    ("GET", "/deliveries?status=LOST", None, 400, "status"),
    ("GET", "/deliveries?status=delivered", None, 400, "status"),
    ("GET", "/deliveries?limit=0", None, 400, "limit"),
    ("GET", "/deliveries?limit=101", None, 400, "limit"),
    ("GET", "/deliveries?limit=ten", None, 400, "limit"),
    ("GET", "/deliveries?orderId=not-a-guid", None, 400, "orderId"),
    ("POST", "/rotate-secret", {}, 400, "format"),  # a Wix-format endpoint has no secret
    ("PATCH", "", {"url": "https://10.1.2.3/hook"}, 400, "url"),
    ("PATCH", "", {"url": "https://127.0.0.1/hook", "description": "moved"}, 400, "url"),
    ("POST", "/replay", {"eventIds": [UNKNOWN]}, 404, "EVENT_NOT_FOUND"),
    ("POST", "/replay", {"eventIds": ["{event}", UNKNOWN]}, 404, "EVENT_NOT_FOUND"),
    ("POST", "/replay", {"orderId": "{order}", "onlyFailed": "true"}, 400, "onlyFailed"),
    ("POST", "/replay", {"orderId": "{order}", "onlyFailed": 1}, 400, "onlyFailed"),
    ("POST", "/replay", {"orderId": "{order}", "onlyFailed": "yes"}, 400, "onlyFailed"),
]


def state() -> list:
    """Everything a refused call could have changed."""
    return [
        *Endpoint.objects.values(),
        *Delivery.objects.order_by("pk").values(),
        *Attempt.objects.order_by("pk").values(),
    ]


@pytest.mark.parametrize(("method", "suffix", "body", "status", "named"), REFUSED)
def test_bad_input_answers_the_wix_envelope_and_changes_nothing(
    api, hook_app, receiver, order_factory, settings, method, suffix, body, status, named
):
    # given a Wix-format endpoint that received an order's events (the guard as in production)
    token = hook_app[1]
    endpoint = api.post(PATH, {"url": receiver.url}, token=token).body["endpoint"]
    order = order_factory()
    events_fan_out()
    event = Delivery.objects.first().event_id
    settings.TALLY_WEBHOOK_ALLOW_PRIVATE = False
    before = state()
    filled = json.loads(
        json.dumps(body).replace("{event}", str(event)).replace("{order}", str(order.pk))
    )
    # when
    reply = api.request(method, f"{PATH}/{endpoint['id']}{suffix}", json_body=filled, token=token)
    # then the envelope names the field (or the error), and nothing changed
    assert reply.status == status, reply.body
    assert reply.body["message"]
    if status == 400:
        assert violations(reply) == [named]
    else:
        assert reply.body["details"]["applicationError"]["code"] == named
    assert state() == before
