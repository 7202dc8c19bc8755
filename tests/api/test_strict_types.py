"""Bodies are JSON: booleans are only ``true``/``false`` and integers only JSON integers; any
other type is refused with a validation error naming the field, and nothing changes."""

from __future__ import annotations

import pytest

from orders.models import Order
from sessions_app.models import SubmittedSession
from tests.sessions_app.conftest import MASTER, SESSION_SCOPES, session_data

pytestmark = pytest.mark.django_db

OFFLINE = "/pricing-plans/v2/checkout/orders/offline"


def _fields(reply) -> list[str]:
    return [v["field"] for v in reply.body["details"]["validationError"]["fieldViolations"]]


@pytest.mark.parametrize("paid", ["yes", 1, 0, "true", "on", None, []])
def test_paid_must_be_a_json_boolean(api, app_token, monthly, member, paid):
    # when
    body = {"planId": str(monthly.pk), "memberId": str(member.member_id), "paid": paid}
    reply = api.post(OFFLINE, body, token=app_token)
    # then
    assert reply.status == 400
    assert _fields(reply) == ["paid"]
    assert not Order.objects.exists()


def test_paid_true_is_accepted(api, app_token, monthly, member):
    body = {"planId": str(monthly.pk), "memberId": str(member.member_id), "paid": True}
    reply = api.post(OFFLINE, body, token=app_token)
    assert reply.status == 200 and reply.body["order"]["lastPaymentStatus"] == "PAID"


@pytest.mark.parametrize("ttl", ["3600", 3600.0, True])
def test_ttl_seconds_must_be_a_json_integer(api, app_factory, monthly, member, settings, ttl):
    # given
    settings.TALLY_ORDER_SESSION_KEYS = [MASTER]
    token = app_factory(scopes=SESSION_SCOPES)[1]
    # when
    reply = api.post(
        "/billing/v2/order-sessions",
        {"sessionData": session_data(monthly, member, ttlSeconds=ttl)},
        token=token,
    )
    # then
    assert reply.status == 400
    assert _fields(reply) == ["sessionData.ttlSeconds"]
    assert not SubmittedSession.objects.exists()
