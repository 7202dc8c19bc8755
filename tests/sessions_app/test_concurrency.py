"""Submitting one session many times at once makes one order (PostgreSQL: real row locks)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest

from orders.models import Invoice, Order
from sessions_app.models import SubmittedSession
from tests.sessions_app.conftest import create_session, error_code

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def api(http_api):
    """Simultaneous requests over real HTTP, each in a server thread of its own."""
    return http_api


def submit_path(session_id: str) -> str:
    return f"/billing/v2/order-sessions/{quote(session_id, safe='')}/submit"


def test_eight_concurrent_submits_make_one_order_and_one_invoice(api, session_app, plan, member):
    # given
    _, token = session_app
    session_id = create_session(api, token, plan, member)
    path = submit_path(session_id)
    # when: eight clients submit it at the same moment
    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(lambda _: api.post(path, {}, token=token), range(8)))
    # then: one wins; the seven others get 409 naming the winner's order
    winners = [r for r in replies if r.status == 200]
    losers = [r for r in replies if r.status != 200]
    assert len(winners) == 1, [r.status for r in replies]
    order_id = winners[0].body["order"]["id"]
    for reply in losers:
        assert (reply.status, error_code(reply)) == (409, "ORDER_SESSION_ALREADY_SUBMITTED")
        assert reply.body["details"]["applicationError"]["data"] == {"orderId": order_id}
    assert Order.objects.count() == 1 and Invoice.objects.count() == 1
    assert SubmittedSession.objects.get().order_id is not None


def test_concurrent_submits_of_two_sessions_under_a_purchase_limit_make_one_order(
    api, session_app, plan_factory, member
):
    # given: two sessions of a plan the buyer may hold once
    _, token = session_app
    limited = plan_factory(purchase_limit=1)
    paths = [submit_path(create_session(api, token, limited, member)) for _ in range(2)]
    # when
    with ThreadPoolExecutor(max_workers=2) as pool:
        replies = list(pool.map(lambda p: api.post(p, {}, token=token), paths))
    # then
    assert sorted(r.status for r in replies) == [200, 400]
    assert {error_code(r) for r in replies if r.status == 400} == {"purchases_limit_reached"}
    assert Order.objects.count() == 1
