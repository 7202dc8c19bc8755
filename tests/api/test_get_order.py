"""GET one order (management and member): the path id wins, other members' orders are 404."""

from __future__ import annotations

import uuid

import pytest

from tests.api.factories import order_row

GET = "/pricing-plans/v2/orders/{}"
MEMBER_GET = "/pricing-plans/v2/member/orders/{}"


@pytest.fixture
def order(monthly, member, clock):
    return order_row(plan=monthly, buyer=member, at=clock.now, submission_data={"size": "M"})


def test_get_order_answers_the_order(api, app_token, order):
    # when
    reply = api.get(GET.format(order.id), token=app_token, params={"id": str(order.id)})
    # then
    assert reply.status == 200
    assert list(reply.body) == ["order"]
    assert reply.body["order"]["id"] == str(order.id)
    assert "submissionData" not in reply.body["order"]["formData"]


def test_path_id_wins_over_the_query_copy(api, app_token, order):
    reply = api.get(GET.format(order.id), token=app_token, params={"id": str(uuid.uuid4())})
    assert reply.status == 200 and reply.body["order"]["id"] == str(order.id)


def test_full_field_set_adds_submission_data(api, app_token, order):
    reply = api.get(GET.format(order.id), token=app_token, params={"fieldSet": "FULL"})
    assert reply.body["order"]["formData"]["submissionData"] == {"size": "M"}


def test_malformed_order_id_is_a_field_violation(api, app_token):
    # when
    reply = api.get(GET.format("not-a-guid"), token=app_token)
    # then
    assert reply.status == 400
    violation = reply.body["details"]["validationError"]["fieldViolations"][0]
    assert (violation["field"], violation["violatedRule"]) == ("id", "FORMAT")


def test_unknown_order_is_order_not_found(api, app_token):
    # when
    reply = api.get(GET.format(uuid.uuid4()), token=app_token)
    # then
    assert reply.status == 404
    assert reply.body["details"]["applicationError"]["code"] == "ORDER_NOT_FOUND"


def test_bad_field_set_is_a_field_violation(api, app_token, order):
    reply = api.get(GET.format(order.id), token=app_token, params={"fieldSet": "ALL"})
    assert reply.status == 400


def test_get_order_needs_credentials(api, order):
    assert api.get(GET.format(order.id)).status == 401


def test_bad_token_is_unauthenticated(api, order):
    reply = api.get(GET.format(order.id), token="tly_app_nonsense")
    assert reply.status == 401
    assert reply.body["details"]["applicationError"]["code"] == "UNAUTHENTICATED"


def test_get_order_needs_the_read_orders_scope(api, token_with, order):
    reply = api.get(GET.format(order.id), token=token_with("PRICING_PLANS.READ_OWN_ORDERS"))
    assert reply.status == 403


def test_member_gets_their_own_order(api, member_token, order):
    reply = api.get(MEMBER_GET.format(order.id), token=member_token, params={"id": str(order.id)})
    assert reply.status == 200 and reply.body["order"]["id"] == str(order.id)


def test_another_members_order_is_not_found_for_a_member(api, other_member_token, order):
    # when bob asks for alice's order
    reply = api.get(MEMBER_GET.format(order.id), token=other_member_token)
    # then it does not exist for him
    assert reply.status == 404
    assert reply.body["details"]["applicationError"]["code"] == "ORDER_NOT_FOUND"


def test_member_token_cannot_use_the_management_api(api, member_token, order):
    assert api.get(GET.format(order.id), token=member_token).status == 403


def test_unknown_path_answers_the_json_envelope(api, app_token):
    reply = api.get("/pricing-plans/v2/nothing-here", token=app_token)
    assert reply.status == 404
    assert reply.body["details"]["applicationError"]["code"] == "NOT_FOUND"
