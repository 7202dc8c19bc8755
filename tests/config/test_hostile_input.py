"""No input answers 500: the three that did, each by name, and the rules that stopped them.

One JSON parser serves every API (nesting too deep to parse is a 400 there), one date range
serves every date any interface accepts, and a NUL in the path (404) or a query parameter
(400) is refused before any view runs.
"""

from __future__ import annotations

import uuid

import pytest

from orders.models import Order
from sessions_app.models import SubmittedSession
from tests.sessions_app.conftest import MASTER, SESSION_SCOPES, session_data

pytestmark = pytest.mark.django_db

DEEP = b"[" * 1000 + b"]" * 1000
JSON = {"Content-Type": "application/json"}
PREVIEW = "/admin/orders/order/price-preview/"
OFFLINE = "/pricing-plans/v2/checkout/orders/offline"
SESSIONS = "/billing/v2/order-sessions"
# An id nothing has; fixed, so that the test ids are the same in every process.
UNKNOWN = "4e5b8ad8-c658-4c63-9c37-84ac65936f1a"


@pytest.fixture
def session_keys(settings):
    settings.TALLY_ORDER_SESSION_KEYS = [MASTER]


def _body_in_envelope(reply) -> dict:
    return reply.body["details"]["applicationError"]


@pytest.mark.parametrize(
    "path",
    [
        OFFLINE,
        SESSIONS,
        f"/api/v1/invoices/{UNKNOWN}/pay",
        f"/pricing-plans/v2/orders/{UNKNOWN}/cancel",
    ],
)
def test_a_json_body_nested_a_thousand_deep_answers_400_invalid_json(api, app_token, path):
    # when
    reply = api.post(path, data=DEEP, token=app_token, headers=JSON)
    # then
    assert reply.status == 400, reply.raw[:300]
    assert _body_in_envelope(reply)["code"] == "INVALID_JSON"


def test_a_receipt_nested_a_thousand_deep_answers_a_400_problem(api, app_token):
    reply = api.request(
        "POST", "/order-management/v1/receipt/tx-1", data=DEEP, token=app_token, headers=JSON
    )
    assert reply.status == 400
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.body["code"] == "INVALID_JSON"


@pytest.mark.parametrize("text", ["\\u0000", "a\\u0000", "\\ud800", "\\udfff x"])
def test_a_string_no_database_can_store_is_refused_naming_its_field(api, app_token, text):
    # given a coupon code (looked up in the database) that no text column can hold
    body = f'{{"planId": "{uuid.uuid4()}", "memberId": "{uuid.uuid4()}", "couponCode": "{text}"}}'
    # when
    reply = api.post(OFFLINE, data=body.encode(), token=app_token, headers=JSON)
    # then
    assert reply.status == 400
    [violation] = reply.body["details"]["validationError"]["fieldViolations"]
    assert violation["field"] == "couponCode"


def test_an_order_session_starting_in_year_9999_is_refused_at_create_naming_start_date(
    api, app_factory, plan_factory, member, session_keys
):
    # given
    token = app_factory(scopes=SESSION_SCOPES)[1]
    data = session_data(plan_factory(), member, startDate="9999-12-31T00:00:00.000Z")
    # when
    reply = api.post(SESSIONS, {"sessionData": data}, token=token)
    # then
    assert reply.status == 400
    [violation] = reply.body["details"]["validationError"]["fieldViolations"]
    assert violation["field"] == "sessionData.startDate"
    assert not SubmittedSession.objects.exists()


def test_an_offline_order_form_start_date_in_year_9999_is_a_form_error(
    owner_client, plan_factory, member, clock
):
    form = {
        "plan": str(plan_factory().pk),
        "member": member.email,
        "start_date": "9999-12-31T23:00",
    }
    response = owner_client.post("/admin/orders/order/add/", form)
    assert response.status_code == 200
    assert "must be between 1970 and 3000" in response.content.decode()
    assert not Order.objects.exists()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_an_orders_list_date_filter_at_the_calendars_edge_is_refused(owner_client, day):
    response = owner_client.get("/admin/orders/order/", {"end_date__to": day})
    assert response.status_code == 302  # Django's answer to lookup parameters it refuses
    assert "e=1" in response["Location"]


@pytest.mark.parametrize("param", ["coupon", "member", "plan"])
def test_a_nul_byte_in_the_price_preview_query_answers_400(owner_client, plan_factory, param):
    # given
    query = {"plan": str(plan_factory().pk), "coupon": "SAVE", "member": "a@example.com"}
    query[param] = "x\x00y"
    # when
    response = owner_client.get(PREVIEW, query)
    # then
    assert response.status_code == 400
    assert param in response.content.decode()


def test_a_nul_byte_in_an_admin_search_answers_400(owner_client):
    response = owner_client.get("/admin/orders/order/", {"q": "\x00"})
    assert response.status_code == 400


def test_a_nul_byte_in_an_api_query_answers_the_wix_validation_envelope(api, app_token):
    reply = api.get("/pricing-plans/v2/orders", params={"planIds": "\x00"}, token=app_token)
    assert reply.status == 400
    [violation] = reply.body["details"]["validationError"]["fieldViolations"]
    assert violation["field"] == "planIds"


@pytest.mark.parametrize(
    "path",
    ["/order-management/v1/receipt/a%00b", "/admin/accounts/app/a%00b/change/", "/billing/v2/x%00"],
)
def test_a_nul_byte_in_a_path_names_no_resource(api, app_token, path):
    reply = api.get(path, token=app_token)
    assert reply.status == 404


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def app_token(app_factory) -> str:
    return app_factory()[1]
