"""Idempotency-Key on the API's writes, and checkouts sent again with one submissionId."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from config.idempotency import keys_purge
from config.models import IdempotencyKey
from orders.models import Order

OFFLINE = "/pricing-plans/v2/checkout/orders/offline"
ONLINE = "/pricing-plans/v2/checkout/orders/online"


def offline_body(plan, member, **extra) -> dict:
    return {"planId": str(plan.id), "memberId": str(member.member_id), **extra}


def keyed(key: str) -> dict[str, str]:
    return {"Idempotency-Key": key}


def code_of(reply) -> str:
    return reply.body["details"]["applicationError"]["code"]


def test_a_key_sent_again_replays_the_first_answer_without_running_again(
    api, app_token, monthly, member, clock
):
    body = offline_body(monthly, member)
    # when the same request is sent twice with one key
    first = api.post(OFFLINE, body, token=app_token, headers=keyed("k-1"))
    again = api.post(OFFLINE, body, token=app_token, headers=keyed("k-1"))
    # then the second is the first's answer, marked as a replay, and one order exists
    assert first.status == again.status == 200
    assert again.raw == first.raw
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert Order.objects.count() == 1


def test_a_key_sent_with_another_body_is_refused_and_nothing_is_written(
    api, app_token, monthly, member, clock
):
    api.post(OFFLINE, offline_body(monthly, member), token=app_token, headers=keyed("k-2"))
    other = offline_body(monthly, member, paid=True)
    reply = api.post(OFFLINE, other, token=app_token, headers=keyed("k-2"))
    assert (reply.status, code_of(reply)) == (422, "IDEMPOTENCY_KEY_REUSED")
    assert Order.objects.count() == 1


def test_a_key_is_kept_for_24_hours(api, app_token, monthly, member, clock):
    body = offline_body(monthly, member)
    api.post(OFFLINE, body, token=app_token, headers=keyed("k-3"))
    # when a day and a minute have passed
    clock.advance(hours=24, minutes=1)
    reply = api.post(OFFLINE, body, token=app_token, headers=keyed("k-3"))
    # then the key is new again: the request runs
    assert reply.status == 200 and "idempotent-replayed" not in reply.headers
    assert Order.objects.count() == 2


def test_expired_keys_are_purged(api, app_token, monthly, member, clock):
    api.post(OFFLINE, offline_body(monthly, member), token=app_token, headers=keyed("k-4"))
    clock.advance(hours=25)
    assert keys_purge() == 1
    assert not IdempotencyKey.objects.exists()


def test_keys_belong_to_their_caller(api, app_factory, monthly, member, clock):
    body = offline_body(monthly, member)
    for token in (app_factory()[1], app_factory()[1]):
        reply = api.post(OFFLINE, body, token=token, headers=keyed("shared"))
        assert reply.status == 200 and "idempotent-replayed" not in reply.headers
    assert Order.objects.count() == 2


def test_a_refused_answer_is_replayed_too(api, app_token, member, clock):
    body = {"planId": str(uuid.uuid4()), "memberId": str(member.member_id)}
    first = api.post(OFFLINE, body, token=app_token, headers=keyed("k-5"))
    again = api.post(OFFLINE, body, token=app_token, headers=keyed("k-5"))
    assert first.status == again.status == 400
    assert again.headers["idempotent-replayed"] == "true"


def test_an_unauthenticated_request_leaves_the_key_free(api, app_token, monthly, member, clock):
    api.post(OFFLINE, offline_body(monthly, member), headers=keyed("k-6"))
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize("key", ["", "x" * 256])
def test_a_malformed_key_is_refused(api, app_token, monthly, member, key):
    reply = api.post(OFFLINE, offline_body(monthly, member), token=app_token, headers=keyed(key))
    assert (reply.status, code_of(reply)) == (400, "INVALID_IDEMPOTENCY_KEY")
    assert not Order.objects.exists()


def test_patch_and_api_v1_posts_take_a_key(api, app_token, monthly, member, clock):
    order = api.post(OFFLINE, offline_body(monthly, member, paid=True), token=app_token)
    order_id = order.body["order"]["id"]
    bulk = {"ids": [order_id]}
    first = api.post("/api/v1/orders/bulk/pause", bulk, token=app_token, headers=keyed("b"))
    again = api.post("/api/v1/orders/bulk/pause", bulk, token=app_token, headers=keyed("b"))
    assert again.headers["idempotent-replayed"] == "true"
    assert again.body == first.body  # the second pause did not run: no ORDER_NOT_ACTIVE
    api.post("/api/v1/orders/bulk/resume", bulk, token=app_token)
    end = {"endDate": "2031-01-01T00:00:00.000Z"}
    path = f"/pricing-plans/v2/orders/{order_id}"
    api.patch(path, end, token=app_token, headers=keyed("p"))
    assert (
        api.patch(path, end, token=app_token, headers=keyed("p")).headers["idempotent-replayed"]
        == "true"
    )


def test_order_sessions_take_a_key(api, settings, app_factory, monthly, member, clock):
    from tests.sessions_app.conftest import MASTER, SESSION_SCOPES, session_data

    settings.TALLY_ORDER_SESSION_KEYS = [MASTER]
    token = app_factory(scopes=SESSION_SCOPES)[1]
    body = {"sessionData": session_data(monthly, member)}
    first = api.post("/billing/v2/order-sessions", body, token=token, headers=keyed("s"))
    again = api.post("/billing/v2/order-sessions", body, token=token, headers=keyed("s"))
    assert first.status == 200 and again.raw == first.raw
    assert again.headers["idempotent-replayed"] == "true"


def test_an_offline_order_sent_again_with_its_submission_id_answers_the_first_order(
    api, app_token, monthly, member, clock
):
    body = offline_body(monthly, member, submissionId=str(uuid.uuid4()))
    first = api.post(OFFLINE, body, token=app_token)
    again = api.post(OFFLINE, body, token=app_token)
    assert first.status == again.status == 200
    assert again.body["order"]["id"] == first.body["order"]["id"]
    assert Order.objects.count() == 1


def test_an_online_order_sent_again_with_its_submission_id_answers_the_first_order(
    api, member_token, monthly, clock
):
    body = {"planId": str(monthly.id), "submissionId": str(uuid.uuid4())}
    first = api.post(ONLINE, body, token=member_token)
    again = api.post(ONLINE, body, token=member_token)
    assert again.body["order"]["id"] == first.body["order"]["id"]
    assert Order.objects.count() == 1


def test_a_submission_id_of_another_plans_order_is_refused(
    api, app_token, monthly, plan_factory, member, clock
):
    submission = str(uuid.uuid4())
    api.post(OFFLINE, offline_body(monthly, member, submissionId=submission), token=app_token)
    other = offline_body(plan_factory(), member, submissionId=submission)
    reply = api.post(OFFLINE, other, token=app_token)
    assert reply.status == 400
    field = reply.body["details"]["validationError"]["fieldViolations"][0]["field"]
    assert field == "submissionId"
    assert Order.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_requests_with_one_key_make_one_order(
    http_api, app_token, monthly, member
):
    body = offline_body(monthly, member)

    def send(_):
        return http_api.post(OFFLINE, body, token=app_token, headers=keyed("race"))

    with ThreadPoolExecutor(max_workers=20) as pool:
        replies = list(pool.map(send, range(20)))
    # one ran; the others were refused while it ran (409) or replayed its answer
    assert Order.objects.count() == 1
    assert {r.status for r in replies} <= {200, 409}
    ran = [r for r in replies if r.status == 200 and "idempotent-replayed" not in r.headers]
    assert len(ran) == 1
    for reply in replies:
        if reply.status == 409:
            assert code_of(reply) == "IDEMPOTENCY_KEY_IN_USE"
        else:
            assert reply.body["order"]["id"] == ran[0].body["order"]["id"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_checkouts_with_one_submission_id_make_one_order(
    http_api, app_token, monthly, member
):
    body = offline_body(monthly, member, submissionId=str(uuid.uuid4()))
    with ThreadPoolExecutor(max_workers=20) as pool:
        replies = list(pool.map(lambda _: http_api.post(OFFLINE, body, token=app_token), range(20)))
    assert [r.status for r in replies] == [200] * 20
    assert len({r.body["order"]["id"] for r in replies}) == 1
    assert Order.objects.count() == 1


def test_a_visitors_key_is_ignored_so_visitors_never_share_one(api, monthly):
    # when two visitors (no credentials) query the public plans with one key, other bodies
    query = "/pricing-plans/v2/plans/public/query"
    first = api.post(query, {"query": {}}, headers=keyed("visitor-key"))
    second = api.post(query, {"query": {"paging": {"limit": 1}}}, headers=keyed("visitor-key"))
    # then both run, neither is a replay or a refusal, and no key is kept
    assert first.status == second.status == 200
    assert "idempotent-replayed" not in second.headers
    assert not IdempotencyKey.objects.exists()
