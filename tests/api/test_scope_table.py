"""The Wix docs list each call's permissions as "any one of": holding one of them is enough.

Each row calls the endpoint with an app holding exactly one Wix permission (as its Tally
scope) and checks the scope check lets it through; an app holding none of them gets 403.
"""

from __future__ import annotations

import uuid

import pytest

from accounts import scopes

ORDER = "/pricing-plans/v2/orders/{id}"
CHECKOUT = "/pricing-plans/v2/checkout/orders/"
MISSING = str(uuid.uuid4())

READERS = [scopes.MANAGE_ORDERS, scopes.READ_ORDERS, scopes.MANAGE_BOOKINGS_SERVICES]

# (method, path, body, the scopes that each suffice)
TABLE = [
    ("GET", ORDER, None, READERS),
    ("GET", "/pricing-plans/v2/orders", None, READERS),
    ("POST", CHECKOUT + "price-preview", {"planId": MISSING}, [scopes.READ_PLANS, *READERS]),
    (
        "POST",
        CHECKOUT + "offline",
        {"planId": MISSING, "memberId": MISSING},
        [scopes.MANAGE_ORDERS, scopes.REGISTER_OFFLINE_ORDERS],
    ),
    ("POST", CHECKOUT + "preview-offline", {"planId": MISSING, "memberId": MISSING}, ["M"]),
    ("POST", ORDER + "/cancel", {"effectiveAt": "IMMEDIATELY"}, ["M"]),
    ("POST", ORDER + "/mark-as-paid", {}, ["M"]),
    ("POST", ORDER + "/pause", {}, ["M"]),
    ("POST", ORDER + "/resume", {}, ["M"]),
    ("PATCH", ORDER, {"endDate": "2030-01-01T00:00:00.000Z"}, ["M"]),
]
ROWS = [
    (method, path, body, scope if scope != "M" else scopes.MANAGE_ORDERS)
    for method, path, body, accepted in TABLE
    for scope in accepted
]


def _call(api, token, method, path, body):
    return api.request(method, path.format(id=MISSING), token=token, json_body=body)


@pytest.mark.parametrize(("method", "path", "body", "scope"), ROWS)
def test_any_one_listed_permission_is_enough(api, token_with, method, path, body, scope):
    # when an app holding only this one permission calls
    reply = _call(api, token_with(scope), method, path, body)
    # then the scope check lets it through (the unknown ids are refused after it)
    assert reply.status != 403, reply.body
    assert reply.status in (200, 400, 404)


@pytest.mark.parametrize(("method", "path", "body"), [row[:3] for row in TABLE])
def test_a_permission_not_listed_is_refused(api, token_with, method, path, body):
    # given an app holding only scopes the call does not list
    token = token_with(scopes.READ_OWN_ORDERS, scopes.RECEIPTS_READ)
    # when / then
    reply = _call(api, token, method, path, body)
    assert reply.status == 403
    assert reply.body["details"]["applicationError"]["code"] == "PERMISSION_DENIED"
