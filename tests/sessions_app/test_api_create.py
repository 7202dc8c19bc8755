"""POST /billing/v2/order-sessions over real HTTP (contract sections 1 and 4)."""

from __future__ import annotations

from datetime import timedelta

from accounts.scopes import READ_ORDER_SESSIONS
from orders.models import Coupon, Invoice, Order
from orders.wire import timestamp
from sessions_app.models import SubmittedSession
from tests.sessions_app.conftest import error_code, session_data, violated_fields

URL = "/billing/v2/order-sessions"


def test_create_returns_the_token_and_the_normalised_session_data(
    api, session_app, plan, member, clock
):
    # given
    _, token = session_app
    # when
    reply = api.post(URL, {"sessionData": session_data(plan, member)}, token=token)
    # then
    assert reply.status == 200
    session = reply.body["orderSession"]
    assert session["sessionData"] == {
        "planId": str(plan.pk),
        "memberId": str(member.member_id),
        "couponCodes": [],
        "contractSwitchType": "REGULAR",
        "ttlSeconds": 86400,
    }
    assert session["createdDate"] == timestamp(clock.now)
    assert session["orderSessionId"].count(".") == 4


def test_default_lifetime_is_24_hours(api, session_app, plan, member, clock):
    _, token = session_app
    reply = api.post(URL, {"sessionData": session_data(plan, member)}, token=token)
    assert reply.body["orderSession"]["expiresDate"] == timestamp(clock.now + timedelta(hours=24))


def test_lifetime_is_60_seconds_to_48_hours(api, session_app, plan, member, clock):
    _, token = session_app
    for ttl, status in [(59, 400), (60, 200), (172800, 200), (172801, 400)]:
        body = {"sessionData": session_data(plan, member, ttlSeconds=ttl)}
        reply = api.post(URL, body, token=token)
        assert reply.status == status, ttl
        if status == 400:
            assert violated_fields(reply) == ["sessionData.ttlSeconds"]


def test_create_stores_nothing(api, session_app, plan, member, clock):
    _, token = session_app
    api.post(URL, {"sessionData": session_data(plan, member)}, token=token)
    assert not SubmittedSession.objects.exists()
    assert not Order.objects.exists() and not Invoice.objects.exists()


def test_token_fits_in_4_kib(api, session_app, plan, member, clock):
    _, token = session_app
    data = session_data(
        plan, member, couponCodes=[], submissionId="7b1d0c9a-2f53-4d3e-9a77-1f4c5b6d7e8f"
    )
    reply = api.post(URL, {"sessionData": data}, token=token)
    assert len(reply.body["orderSession"]["orderSessionId"]) <= 4096


def test_create_needs_the_manage_scope(api, app_factory, plan, member, clock):
    _, token = app_factory(scopes=[READ_ORDER_SESSIONS])
    reply = api.post(URL, {"sessionData": session_data(plan, member)}, token=token)
    assert reply.status == 403


def test_create_without_credentials_is_refused(api, plan, member, clock):
    body = {"sessionData": session_data(plan, member)}
    assert api.post(URL, body).status == 401
    assert api.post(URL, body, headers={"Authorization": ""}).status == 401
    assert api.post(URL, body, token="not-a-token").status == 401


def test_members_have_no_sessions(api, member, plan, clock):
    from accounts.services import member_token_issue

    token = member_token_issue(member=member)
    reply = api.post(URL, {"sessionData": session_data(plan, member)}, token=token)
    assert reply.status == 403


def test_two_coupons_are_more_than_one_coupon(api, session_app, plan, member, clock):
    _, token = session_app
    for codes in (["A", "B"], ["A", "A"], [str(i) for i in 20 * [1]]):
        body = {"sessionData": session_data(plan, member, couponCodes=codes)}
        reply = api.post(URL, body, token=token)
        assert (reply.status, error_code(reply)) == (400, "MORE_THAN_ONE_COUPON")


def test_unknown_plan_is_plan_not_found(api, session_app, member, clock):
    _, token = session_app
    body = {
        "sessionData": {
            "planId": "6b0f4bd5-07b3-4d6e-9d9a-3c7b1d2e4f5a",
            "memberId": str(member.member_id),
        }
    }
    reply = api.post(URL, body, token=token)
    assert (reply.status, error_code(reply)) == (400, "PLAN_NOT_FOUND")


def test_archived_plan_is_refused(api, session_app, plan_factory, member, clock):
    _, token = session_app
    archived = plan_factory(archived=True)
    reply = api.post(URL, {"sessionData": session_data(archived, member)}, token=token)
    assert (reply.status, error_code(reply)) == (400, "archived_plan")


def test_plan_archived_after_a_create_is_refused_by_the_next(api, session_app, plan, member, clock):
    _, token = session_app
    assert api.post(URL, {"sessionData": session_data(plan, member)}, token=token).status == 200
    plan.archived = True
    plan.save()  # as the owner's dashboard saves it
    reply = api.post(URL, {"sessionData": session_data(plan, member)}, token=token)
    assert (reply.status, error_code(reply)) == (400, "archived_plan")


def test_member_disabled_after_a_create_is_refused_by_the_next(
    api, session_app, plan, member, clock
):
    _, token = session_app
    assert api.post(URL, {"sessionData": session_data(plan, member)}, token=token).status == 200
    member.is_active = False
    member.save()
    reply = api.post(URL, {"sessionData": session_data(plan, member)}, token=token)
    assert (reply.status, error_code(reply)) == (400, "member_not_found")


def test_unknown_member_is_member_not_found(api, session_app, plan, clock):
    _, token = session_app
    body = {
        "sessionData": {"planId": str(plan.pk), "memberId": "6b0f4bd5-07b3-4d6e-9d9a-3c7b1d2e4f5a"}
    }
    reply = api.post(URL, body, token=token)
    assert (reply.status, error_code(reply)) == (400, "member_not_found")


def test_unknown_coupon_is_refused_with_the_orders_code(api, session_app, plan, member, clock):
    _, token = session_app
    body = {"sessionData": session_data(plan, member, couponCodes=["NOPE"])}
    reply = api.post(URL, body, token=token)
    assert (reply.status, error_code(reply)) == (400, "ERROR_COUPON_DOES_NOT_EXIST")


def test_valid_coupon_is_kept_in_the_session(api, session_app, plan, member, clock):
    _, token = session_app
    Coupon.objects.create(code="SAVE10", value=10)
    body = {"sessionData": session_data(plan, member, couponCodes=["SAVE10"])}
    reply = api.post(URL, body, token=token)
    assert reply.status == 200
    assert reply.body["orderSession"]["sessionData"]["couponCodes"] == ["SAVE10"]


def test_start_date_in_the_past_is_invalid(api, session_app, plan, member, clock):
    _, token = session_app
    past = timestamp(clock.now - timedelta(days=1))
    reply = api.post(URL, {"sessionData": session_data(plan, member, startDate=past)}, token=token)
    assert (reply.status, error_code(reply)) == (400, "invalid_start_date")


def test_future_start_date_is_kept(api, session_app, plan, member, clock):
    _, token = session_app
    later = timestamp(clock.now + timedelta(days=3))
    reply = api.post(URL, {"sessionData": session_data(plan, member, startDate=later)}, token=token)
    assert reply.body["orderSession"]["sessionData"]["startDate"] == later


def test_purchase_limit_reached_is_refused(api, session_app, plan_factory, member, clock):
    from accounts.actors import Actor
    from orders.services.checkout import order_create_online

    _, token = session_app
    limited = plan_factory(purchase_limit=1)
    order_create_online(plan=limited, buyer=member, actor=Actor.member(member))
    reply = api.post(URL, {"sessionData": session_data(limited, member)}, token=token)
    assert (reply.status, error_code(reply)) == (400, "purchases_limit_reached")


def test_missing_and_malformed_fields_are_named(api, session_app, clock):
    _, token = session_app
    reply = api.post(URL, {"sessionData": {"planId": "x"}}, token=token)
    assert reply.status == 400
    assert set(violated_fields(reply)) == {"sessionData.planId", "sessionData.memberId"}
    assert violated_fields(api.post(URL, {}, token=token)) == ["sessionData"]


def test_unknown_switch_type_is_a_validation_error(api, session_app, plan, member, clock):
    _, token = session_app
    body = {"sessionData": session_data(plan, member, contractSwitchType="SIDEGRADE")}
    assert violated_fields(api.post(URL, body, token=token)) == ["sessionData.contractSwitchType"]


def test_malformed_json_is_a_400_not_a_500(api, session_app, clock):
    _, token = session_app
    reply = api.request(
        "POST", URL, data=b"{not json", token=token, headers={"Content-Type": "application/json"}
    )
    assert reply.status == 400


def test_ids_are_guid_strings_not_numbers(api, session_app, plan, member, clock):
    _, token = session_app
    body = {"sessionData": {"planId": 1, "memberId": str(member.member_id), "submissionId": 2}}
    reply = api.post(URL, body, token=token)
    assert reply.status == 400
    assert set(violated_fields(reply)) == {"sessionData.planId", "sessionData.submissionId"}
