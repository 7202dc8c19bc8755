"""GET /pricing-plans/v2/orders and /member/orders: filters, `.r`, sorting, paging, errors."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders import selectors
from orders.models import OrderStatus, PaymentStatus
from tests.api.factories import order_row, pause_row

LIST = "/pricing-plans/v2/orders"
MEMBER_LIST = "/pricing-plans/v2/member/orders"


def complex_query(request: dict) -> dict:
    """The client's `.r` form: base64url JSON without padding."""
    encoded = base64.urlsafe_b64encode(json.dumps(request).encode()).decode().rstrip("=")
    return {".r": encoded}


@pytest.fixture
def three_orders(monthly, member, other_member, clock):
    """Three orders a day apart: alice's active, bob's paused, alice's canceled."""
    day = timedelta(days=1)
    return [
        order_row(plan=monthly, buyer=member, at=clock.now, end_date=clock.now + 30 * day),
        order_row(
            plan=monthly,
            buyer=other_member,
            at=clock.now + day,
            status=OrderStatus.PAUSED,
            end_date=clock.now + 10 * day,
        ),
        order_row(
            plan=monthly,
            buyer=member,
            at=clock.now + 2 * day,
            status=OrderStatus.CANCELED,
            last_payment_status=PaymentStatus.UNPAID,
            end_date=clock.now + 20 * day,
        ),
    ]


def ids(reply) -> list[str]:
    return [o["id"] for o in reply.body["orders"]]


def test_management_list_is_newest_first_with_paging_metadata(api, app_token, three_orders):
    # when
    reply = api.get(LIST, token=app_token)
    # then
    assert reply.status == 200
    assert ids(reply) == [str(o.id) for o in reversed(three_orders)]
    assert reply.body["pagingMetadata"] == {
        "count": 3,
        "offset": 0,
        "total": 3,
        "tooManyToCount": False,
        "hasNext": False,
    }


def test_repeated_keys_are_or_within_a_filter_and_across_filters(
    api, app_token, three_orders, member
):
    # when
    reply = api.get(
        LIST,
        token=app_token,
        params=[
            ("orderStatuses", "ACTIVE"),
            ("orderStatuses", "CANCELED"),
            ("buyerIds", str(member.member_id)),
            ("paymentStatuses", "PAID"),
        ],
    )
    # then only alice's active paid order is both
    assert ids(reply) == [str(three_orders[0].id)]


def test_undefined_status_matches_nothing(api, app_token, three_orders):
    reply = api.get(LIST, token=app_token, params={"orderStatuses": "UNDEFINED"})
    assert reply.status == 200 and ids(reply) == []


def test_complex_request_is_decoded_and_sorts_by_end_date(api, app_token, three_orders):
    # given the client's `.r` form with a sort
    query = complex_query(
        {
            "orderStatuses": ["ACTIVE", "PAUSED", "CANCELED"],
            "limit": 5,
            "offset": 0,
            "sorting": {"fieldName": "endDate", "order": "ASC"},
        }
    )
    # when
    reply = api.get(LIST, token=app_token, params=query)
    # then by end date: bob's (10 days), alice's canceled (20), alice's active (30)
    assert reply.status == 200
    assert ids(reply) == [str(three_orders[i].id) for i in (1, 2, 0)]


def test_sort_field_without_order_sorts_ascending(api, app_token, three_orders):
    query = complex_query({"sorting": {"fieldName": "_createdDate"}})
    reply = api.get(LIST, token=app_token, params=query)
    assert ids(reply) == [str(o.id) for o in three_orders]


def test_dotted_sorting_keys_are_accepted(api, app_token, three_orders):
    params = {"sorting.fieldName": "createdDate", "sorting.order": "ASC"}
    reply = api.get(LIST, token=app_token, params=params)
    assert ids(reply) == [str(o.id) for o in three_orders]


def test_offset_and_limit_page_through_with_total(api, app_token, three_orders):
    # when
    reply = api.get(LIST, token=app_token, params={"limit": 2, "offset": 1})
    # then
    assert ids(reply) == [str(three_orders[1].id), str(three_orders[0].id)]
    meta = reply.body["pagingMetadata"]
    assert (meta["count"], meta["offset"], meta["total"], meta["hasNext"]) == (2, 1, 3, False)


def test_first_page_of_many_reports_a_next_page(api, app_token, three_orders):
    meta = api.get(LIST, token=app_token, params={"limit": 1}).body["pagingMetadata"]
    assert (meta["count"], meta["total"], meta["hasNext"]) == (1, 3, True)


def test_more_matches_than_the_count_cap_are_too_many_to_count(
    api, app_token, three_orders, monkeypatch
):
    # given a cap below the number of matches
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    # when
    meta = api.get(LIST, token=app_token, params={"limit": 1}).body["pagingMetadata"]
    # then
    assert meta["tooManyToCount"] is True and "total" not in meta
    assert meta["hasNext"] is True


def test_field_set_full_adds_submission_data(api, app_token, monthly, member, clock):
    # given
    order_row(plan=monthly, buyer=member, at=clock.now, submission_data={"size": "M"})
    # when
    basic = api.get(LIST, token=app_token).body["orders"][0]
    full = api.get(LIST, token=app_token, params={"fieldSet": "FULL"}).body["orders"][0]
    # then
    assert "submissionData" not in basic["formData"]
    assert full["formData"]["submissionData"] == {"size": "M"}


def test_unknown_fields_are_ignored(api, app_token, three_orders):
    reply = api.get(LIST, token=app_token, params={"shoeSize": "44", "limit": 50})
    assert reply.status == 200 and len(ids(reply)) == 3


@pytest.mark.parametrize(
    ("params", "field", "rule"),
    [
        ({"limit": 0}, "limit", "MIN"),
        ({"limit": 51}, "limit", "MAX"),
        ({"limit": "ten"}, "limit", "FORMAT"),
        ({"offset": -1}, "offset", "MIN"),
        ({"planIds": "not-a-guid"}, "planIds[0]", "FORMAT"),
        ({"buyerIds": "123"}, "buyerIds[0]", "FORMAT"),
        ({"orderStatuses": "SLEEPING"}, "orderStatuses[0]", "FORMAT"),
        ({"paymentStatuses": "maybe"}, "paymentStatuses[0]", "FORMAT"),
        ({"autoRenewCanceled": "perhaps"}, "autoRenewCanceled", "FORMAT"),
        ({"fieldSet": "EVERYTHING"}, "fieldSet", "FORMAT"),
        ({"sorting.fieldName": "planName"}, "sorting.fieldName", "invalid_sort_field"),
        ({"sorting.order": "UP"}, "sorting.order", "FORMAT"),
        ({".r": "%%%not base64"}, ".r", "FORMAT"),
        ({".r": "WzEsMiwzXQ"}, ".r", "FORMAT"),  # [1,2,3]: not an object
    ],
)
def test_malformed_list_requests_are_field_violations(api, app_token, params, field, rule):
    # when
    reply = api.get(LIST, token=app_token, params=params)
    # then
    assert reply.status == 400
    violations = reply.body["details"]["validationError"]["fieldViolations"]
    assert [(v["field"], v["violatedRule"]) for v in violations] == [(field, rule)]
    assert reply.body["message"].startswith("INVALID_ARGUMENT:")


def test_wrong_json_types_inside_complex_request_are_field_violations(api, app_token):
    query = complex_query({"planIds": "one", "limit": True, "sorting": "endDate"})
    reply = api.get(LIST, token=app_token, params=query)
    fields = {v["field"] for v in reply.body["details"]["validationError"]["fieldViolations"]}
    assert reply.status == 400 and fields == {"planIds", "limit", "sorting"}


def test_list_needs_credentials(api, three_orders):
    reply = api.get(LIST, headers={"Authorization": ""})
    assert reply.status == 401
    assert reply.body["details"]["applicationError"]["code"] == "UNAUTHENTICATED"


def test_list_needs_a_scope_that_reads_orders(api, token_with):
    reply = api.get(LIST, token=token_with("PRICING_PLANS.PURCHASE_PLANS"))
    assert reply.status == 403
    assert reply.body["details"]["applicationError"]["code"] == "PERMISSION_DENIED"


def test_member_list_holds_only_the_callers_orders_oldest_first(
    api, member_token, three_orders, other_member
):
    # when a member lists, even naming another buyer
    reply = api.get(
        MEMBER_LIST, token=member_token, params={"buyerIds": str(other_member.member_id)}
    )
    # then
    assert reply.status == 200
    assert ids(reply) == [str(three_orders[0].id), str(three_orders[2].id)]
    assert reply.body["pagingMetadata"]["total"] == 2


def test_member_list_accepts_the_clients_sorted_form(api, member_token, three_orders):
    query = complex_query({"limit": 2, "sorting": {"fieldName": "_createdDate", "order": "DESC"}})
    reply = api.get(MEMBER_LIST, token=member_token, params=query)
    assert ids(reply) == [str(three_orders[2].id), str(three_orders[0].id)]


def test_member_list_is_for_members_not_apps(api, app_token):
    reply = api.get(MEMBER_LIST, token=app_token)
    assert reply.status == 403


def test_list_runs_the_same_number_of_queries_whatever_the_page_holds(
    client, app_token, monthly, member, other_member, clock
):
    # given 40 orders with pause periods, over several buyers
    auth = {"HTTP_AUTHORIZATION": f"Bearer {app_token}"}
    for i in range(40):
        order = order_row(plan=monthly, buyer=(member, other_member)[i % 2], at=clock.now)
        pause_row(order, at=clock.now, resumed=clock.now + timedelta(days=1))
    # when pages of 1 and of 30 orders are listed
    counts = []
    for limit in (1, 30):
        selectors.estimates_forget()  # both requests cold: the estimate is queried each time
        with CaptureQueriesContext(connection) as queries:
            reply = client.get(LIST, {"limit": limit, "orderStatuses": "ACTIVE"}, **auth)
        assert reply.status_code == 200 and len(reply.json()["orders"]) == limit
        counts.append(len(queries))
    # then both took the same few queries: token, page, pause periods, and the bounded count
    # (on PostgreSQL preceded by the planner's estimate)
    assert counts[0] == counts[1] <= 5


def test_list_shows_the_pause_periods_of_paused_and_resumed_orders(
    api, app_token, three_orders, clock
):
    # given alice's order paused and resumed, and bob's paused now
    pause_row(three_orders[0], at=clock.now, resumed=clock.now + timedelta(days=2))
    pause_row(three_orders[1], at=clock.now + timedelta(days=3))
    # when
    orders = {o["id"]: o for o in api.get(LIST, token=app_token).body["orders"]}
    # then
    periods = {
        i: [p["status"] for p in orders[str(three_orders[i].id)]["pausePeriods"]] for i in (0, 1, 2)
    }
    assert periods == {0: ["ENDED"], 1: ["ACTIVE"], 2: []}


def test_member_list_takes_up_to_100_per_page(api, member_token, member, monthly, clock):
    # given 60 orders of the member
    for i in range(60):
        order_row(plan=monthly, buyer=member, at=clock.now - timedelta(minutes=i))
    # when
    reply = api.get(MEMBER_LIST, token=member_token, params={"limit": 100})
    # then
    assert reply.status == 200 and len(ids(reply)) == 60


@pytest.mark.parametrize(("path", "limit"), [(MEMBER_LIST, 101), (LIST, 51)])
def test_limit_above_the_list_maximum_is_a_field_violation(
    api, app_token, member_token, path, limit
):
    token = member_token if path == MEMBER_LIST else app_token
    reply = api.get(path, token=token, params={"limit": limit})
    assert reply.status == 400
    violations = reply.body["details"]["validationError"]["fieldViolations"]
    assert [(v["field"], v["violatedRule"]) for v in violations] == [("limit", "MAX")]
