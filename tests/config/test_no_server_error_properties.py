"""Whatever arrives, no answer is a 5xx: generated bodies at every write endpoint of every API,
generated query strings at every API read and every admin and member page.

Bodies mix what a fuzzer tries first: nesting deeper than any parser recurses, integers of
thousands of digits, floats that overflow, NUL, unpaired surrogates and other odd unicode,
wrong types under the very field names the schema declares. Examples are bounded and
derandomized, so a run repeats and stays a few seconds long.
"""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import services as accounts
from accounts.actors import Actor
from orders.services.checkout import order_create_offline
from tests.conftest import HttpClient
from tests.sessions_app.conftest import MASTER

pytestmark = pytest.mark.django_db(transaction=True)

BOUNDED = settings(
    max_examples=120,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

ODD_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["\x00", "\ud800", "\udfff", "\u202e", "\ufeff", "\U0010ffff", "%"]),
    ),
    max_size=30,
)
HOSTILE_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([2**64, -(2**63) - 1, 10**300, 0, -1]),
    st.floats(allow_nan=False, allow_infinity=False),
    ODD_TEXT,
    st.sampled_from(["9999-12-31T23:59:59.999Z", "0001-01-01T00:00:00Z", "2026-02-30", ""]),
)
HOSTILE_VALUES = st.recursive(
    HOSTILE_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ODD_TEXT, inner, max_size=4),
    max_leaves=12,
)
RAW_BODIES = st.sampled_from(
    [
        # Deeper than any recursion limit (hypothesis raises the limit while it runs a test).
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        b"9" * 5000,
        b"1e999",
        b"NaN",
        b'"\\ud800"',
        b'{"planId": "\\u0000"}',
        b"\xff\xfe{",
        b"",
        b"null",
    ]
)


def _served_schema() -> dict:
    reply = Client(HTTP_HOST="localhost").get("/api/schema", {"format": "json"})
    return reply.json()


SCHEMA = _served_schema()
WRITES = sorted(
    (method.upper(), path)
    for path, methods in SCHEMA["paths"].items()
    for method in methods
    if method in {"post", "put", "patch"}
)
READS = sorted(path for path, methods in SCHEMA["paths"].items() if "get" in methods)
FIELD_NAMES = sorted(
    {
        name
        for component in SCHEMA["components"]["schemas"].values()
        for name in component.get("properties", {})
    }
    | {"sessionData", "startDate", "ttlSeconds", "couponCodes", "outcome"}
)


def _bodies():
    fields = st.dictionaries(st.sampled_from(FIELD_NAMES), HOSTILE_VALUES, max_size=6)
    nested = st.builds(lambda d: {"sessionData": d}, fields)
    return st.one_of(
        RAW_BODIES,
        st.builds(_encode, st.one_of(fields, nested, HOSTILE_VALUES)),
    )


def _encode(value) -> bytes:
    try:
        return json.dumps(value).encode()
    except ValueError:  # an integer too long to print: send its digits
        return b"9" * 5000


@pytest.fixture
def world(live_server, app_factory, member, plan_factory, settings):
    """An app with every scope, a member with an order, session keys: ids that exist."""
    settings.TALLY_ORDER_SESSION_KEYS = [MASTER]
    order = order_create_offline(
        plan=plan_factory(), buyer=member, actor=Actor.system("test"), paid=True
    )
    return {
        "http": HttpClient(live_server.url),
        "app": app_factory()[1],
        "member": accounts.member_token_issue(member=member),
        "order_id": str(order.pk),
    }


def _fill(path: str, world: dict, choice: str) -> str:
    """A path with its parameters filled: an id that exists, a random one, or odd text."""
    value = {"known": world["order_id"], "random": str(uuid.uuid4()), "odd": "x%2500y%E2%80%AE"}
    return re.sub(r"\{[^}]+\}", value[choice], path)


def _token(path: str, world: dict) -> str:
    return world["member" if path.startswith("/pricing-plans/v2/member/") else "app"]


@BOUNDED
@given(
    endpoint=st.sampled_from(WRITES),
    ids=st.sampled_from(["known", "random", "odd"]),
    body=_bodies(),
)
def test_no_body_at_any_write_endpoint_answers_a_server_error(world, endpoint, ids, body):
    # given
    method, path = endpoint
    # when
    reply = world["http"].request(
        method,
        _fill(path, world, ids),
        data=body,
        token=_token(path, world),
        headers={"Content-Type": "application/json"},
    )
    # then
    assert reply.status < 500, (method, path, body[:200], reply.raw[:300])


QUERY_KEYS = st.sampled_from(
    FIELD_NAMES
    + ["limit", "offset", "fieldSet", "orderStatuses", ".r", "format", "q", "o", "p", "all"]
)
QUERIES = st.lists(st.tuples(QUERY_KEYS, st.one_of(ODD_TEXT, st.integers().map(str))), max_size=4)


@BOUNDED
@given(path=st.sampled_from(READS), ids=st.sampled_from(["known", "random", "odd"]), query=QUERIES)
def test_no_query_string_at_any_api_read_answers_a_server_error(world, path, ids, query):
    reply = world["http"].get(_fill(path, world, ids), params=query, token=_token(path, world))
    assert reply.status < 500, (path, query, reply.raw[:300])


def _admin_pages(owner) -> list[str]:
    """Every model's list and add pages the admin offers the owner, and the orders extras."""
    request = RequestFactory().get("/admin/")
    request.user = owner
    pages = ["/admin/", "/admin/orders/order/price-preview/", "/admin/orders/order/dashboard/"]
    pages.append("/admin/orders/order/dashboard/charts/")
    for app in admin.site.get_app_list(request):
        for model in app["models"]:
            pages.extend(url for url in (model.get("admin_url"), model.get("add_url")) if url)
    return pages


ADMIN_KEYS = st.sampled_from(
    [
        "q",
        "o",
        "p",
        "all",
        "e",
        "status__exact",
        "plan__id__exact",
        "type__exact",
        "auto_renew_canceled__exact",
        "created_date__from",
        "start_date__to",
        "end_date__from",
        "plan",
        "member",
        "coupon",
        "range",
        "_changelist_filters",
        "_to_field",
        "_popup",
    ]
)
DATES = st.sampled_from(["9999-12-31", "0001-01-01", "2026-13-01", "2026-01-15"])
ADMIN_QUERIES = st.lists(st.tuples(ADMIN_KEYS, st.one_of(ODD_TEXT, DATES)), max_size=4)


@BOUNDED
@given(data=st.data())
def test_no_query_string_at_any_admin_or_member_page_answers_a_server_error(
    client, owner, member, data
):
    # given the owner signed in, and the member pages reached by the member
    pages = _admin_pages(owner)
    page = data.draw(st.sampled_from([*pages, "/account/orders/"]))
    query = data.draw(ADMIN_QUERIES)
    client.force_login(member if page.startswith("/account/") else owner)
    # when
    response = client.get(page, _as_query(query))
    # then
    assert response.status_code < 500, (page, query)


def _as_query(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    query: dict[str, list[str]] = {}
    for key, value in pairs:
        query.setdefault(key, []).append(value)
    return query
