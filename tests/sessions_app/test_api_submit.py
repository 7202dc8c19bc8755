"""POST /billing/v2/order-sessions/{orderSessionId}/submit over real HTTP: one order and one
invoice per session, every rule re-checked at submit, nothing stored when one refuses."""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import quote

from accounts.scopes import READ_ORDER_SESSIONS
from orders.models import Coupon, Invoice, Order
from orders.wire import timestamp
from sessions_app.models import SubmittedSession
from tests.sessions_app.conftest import create_session, error_code, seal_for

URL = "/billing/v2/order-sessions/"


def submit(api, token, session_id):
    return api.post(URL + quote(session_id, safe="") + "/submit", {}, token=token)


def nothing_stored() -> bool:
    return not (
        Order.objects.exists() or Invoice.objects.exists() or SubmittedSession.objects.exists()
    )


def test_submit_creates_a_draft_online_order_and_its_invoice(api, session_app, plan, member, clock):
    # given
    _, token = session_app
    session_id = create_session(api, token, plan, member)
    # when
    reply = submit(api, token, session_id)
    # then
    assert reply.status == 200, reply.body
    order, invoice = reply.body["order"], reply.body["invoice"]
    assert order["status"] == "DRAFT" and order["type"] == "ONLINE"
    assert order["planId"] == str(plan.pk)
    assert order["buyer"]["memberId"] == str(member.member_id)
    assert invoice["orderId"] == order["id"] and invoice["total"] == "30.00"
    assert Order.objects.count() == 1 and Invoice.objects.count() == 1


def test_submitted_session_shows_its_order_on_get(api, session_app, plan, member, clock):
    _, token = session_app
    session_id = create_session(api, token, plan, member)
    order_id = submit(api, token, session_id).body["order"]["id"]
    session = api.get(URL + session_id, token=token).body["orderSession"]
    assert session["submitted"] is True and session["orderId"] == order_id


def test_same_session_submitted_twice_makes_one_order(api, session_app, plan, member, clock):
    # given: a submitted session
    _, token = session_app
    session_id = create_session(api, token, plan, member)
    first = submit(api, token, session_id)
    # when: it is submitted again
    second = submit(api, token, session_id)
    # then: 409 naming the order the first submit made; still one order and one invoice
    assert (second.status, error_code(second)) == (409, "ORDER_SESSION_ALREADY_SUBMITTED")
    assert second.body["details"]["applicationError"]["data"] == {
        "orderId": first.body["order"]["id"]
    }
    assert Order.objects.count() == 1 and Invoice.objects.count() == 1


def test_submit_needs_the_manage_scope(api, session_app, app_factory, plan, member, clock):
    app, token = session_app
    session_id = create_session(api, token, plan, member)
    # the owner leaves the app only READ (as the admin's form saves it): submit is refused
    app.scopes = [READ_ORDER_SESSIONS]
    app.save(update_fields=["scopes"])
    assert submit(api, token, session_id).status == 403
    assert nothing_stored()


def test_expired_session_is_refused_on_submit(api, session_app, plan, member, clock):
    _, token = session_app
    session_id = create_session(api, token, plan, member, ttlSeconds=60)
    clock.advance(seconds=121)
    reply = submit(api, token, session_id)
    assert (reply.status, error_code(reply)) == (400, "EXPIRED_ORDER_SESSION")
    assert nothing_stored()


def test_another_apps_session_is_not_found_on_submit(
    api, session_app, other_app, plan, member, clock
):
    _, token = session_app
    _, other_token = other_app
    session_id = create_session(api, token, plan, member)
    reply = submit(api, other_token, session_id)
    assert (reply.status, error_code(reply)) == (404, "ORDER_SESSION_NOT_FOUND")
    assert nothing_stored()


def test_malformed_token_is_invalid_on_submit(api, session_app, clock):
    _, token = session_app
    reply = submit(api, token, "x.y")
    assert (reply.status, error_code(reply)) == (400, "INVALID_ORDER_SESSION_ID")


def test_plan_archived_after_create_refuses_submit(api, session_app, plan, member, clock):
    # given: a session, then the owner archives the plan
    _, token = session_app
    session_id = create_session(api, token, plan, member)
    type(plan).objects.filter(pk=plan.pk).update(archived=True)
    # when
    reply = submit(api, token, session_id)
    # then
    assert (reply.status, error_code(reply)) == (400, "archived_plan")
    assert nothing_stored()


def test_plan_deleted_after_create_is_plan_not_found(api, session_app, plan, member, clock):
    _, token = session_app
    session_id = create_session(api, token, plan, member)
    type(plan).objects.filter(pk=plan.pk).delete()
    reply = submit(api, token, session_id)
    assert (reply.status, error_code(reply)) == (400, "PLAN_NOT_FOUND")
    assert nothing_stored()


def test_coupon_used_up_after_create_refuses_submit(api, session_app, plan, member, clock):
    _, token = session_app
    Coupon.objects.create(code="ONCE", value=10, usage_limit=1)
    session_id = create_session(api, token, plan, member, couponCodes=["ONCE"])
    Coupon.objects.filter(code="ONCE").update(times_used=1)
    reply = submit(api, token, session_id)
    assert (reply.status, error_code(reply)) == (400, "ERROR_COUPON_USAGE_EXCEEDED")
    assert nothing_stored()


def test_coupon_is_applied_on_submit(api, session_app, plan, member, clock):
    _, token = session_app
    Coupon.objects.create(code="TENOFF", value=10)
    session_id = create_session(api, token, plan, member, couponCodes=["TENOFF"])
    reply = submit(api, token, session_id)
    assert reply.body["invoice"]["discount"] == "3.00"
    assert reply.body["invoice"]["total"] == "27.00"


def test_purchase_limit_reached_after_create_refuses_submit(
    api, session_app, plan_factory, member, clock
):
    # given: two sessions for a plan one buyer may hold once
    _, token = session_app
    limited = plan_factory(purchase_limit=1)
    first = create_session(api, token, limited, member)
    second = create_session(api, token, limited, member)
    assert submit(api, token, first).status == 200
    # when
    reply = submit(api, token, second)
    # then
    assert (reply.status, error_code(reply)) == (400, "purchases_limit_reached")
    assert Order.objects.count() == 1 and SubmittedSession.objects.count() == 1


def test_member_gone_after_create_refuses_submit(api, session_app, plan, member, clock):
    _, token = session_app
    session_id = create_session(api, token, plan, member)
    type(member).objects.filter(pk=member.pk).update(is_active=False)
    reply = submit(api, token, session_id)
    assert (reply.status, error_code(reply)) == (400, "member_not_found")
    assert nothing_stored()


def test_start_date_passed_after_create_refuses_submit(api, session_app, plan, member, clock):
    _, token = session_app
    start = timestamp(clock.now + timedelta(hours=1))
    session_id = create_session(api, token, plan, member, startDate=start)
    clock.advance(hours=2)
    reply = submit(api, token, session_id)
    assert (reply.status, error_code(reply)) == (400, "invalid_start_date")
    assert nothing_stored()


def test_submit_keeps_start_date_and_submission_id(api, session_app, plan, member, clock):
    _, token = session_app
    start = timestamp(clock.now + timedelta(days=2))
    submission = str(uuid.uuid4())
    session_id = create_session(api, token, plan, member, startDate=start, submissionId=submission)
    order = submit(api, token, session_id).body["order"]
    assert order["startDate"] == start
    assert order["formData"]["submissionId"] == submission


def test_submitted_session_is_recorded_with_its_order(api, session_app, plan, member, clock):
    app, token = session_app
    session_id = create_session(api, token, plan, member)
    order_id = submit(api, token, session_id).body["order"]["id"]
    record = SubmittedSession.objects.get()
    assert (record.app, str(record.order_id)) == (app, order_id)
    assert record.invoice.order_id == record.order_id


def test_free_plan_submit_starts_the_order_without_an_invoice(
    api, session_app, plan_factory, member, clock
):
    _, token = session_app
    free = plan_factory(price="0")
    session_id = create_session(api, token, free, member)
    reply = submit(api, token, session_id)
    assert reply.status == 200, reply.body
    assert reply.body["order"]["status"] == "ACTIVE"
    assert reply.body["order"]["lastPaymentStatus"] == "NOT_APPLICABLE"
    assert "invoice" not in reply.body and not Invoice.objects.exists()


def test_session_data_that_cannot_be_read_is_not_found_and_stores_nothing(
    api, session_app, plan, clock
):
    # given a token of this app whose session data names no member (no create makes one)
    app, token = session_app
    unreadable = seal_for(app, data={"planId": str(plan.pk)})
    # when
    reply = submit(api, token, unreadable)
    # then
    assert (reply.status, error_code(reply)) == (404, "ORDER_SESSION_NOT_FOUND")
    assert nothing_stored()
