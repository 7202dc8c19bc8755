"""Schemathesis over the whole served OpenAPI schema, with all its checks.

Every operation of every API (pricing plans, /api/v1, order sessions, receipts) gets requests
that fit the schema and requests that do not; every answer must be one the schema documents:
its status, media type, headers and body shape, schema-valid requests accepted and invalid
ones refused, no 5xx. Examples are bounded and derandomized (a fixed seed), so runs repeat.

Where the contracts answer 400 to a request the schema cannot tell apart from a good one
(an unknown plan id is ``PLAN_NOT_FOUND`` with 400, an order session id that does not open is
``INVALID_ORDER_SESSION_ID`` with 400, a receipt whose lines do not add up is 400), that
operation's "schema-valid request accepted" check also expects 400, and only there.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode

from accounts import services as accounts
from accounts.actors import Actor
from orders.services.checkout import order_create_offline
from tests.sessions_app.conftest import MASTER

ACCEPTED = ["2xx", "401", "403", "404", "409", "429"]
# Operations whose contract answers 400 for a business rule a schema cannot express.
RULES_ANSWER_400 = [
    r"^/pricing-plans/v2/checkout/",  # plan, member, coupon, start date rules (wix-orders-v2)
    r"^/pricing-plans/v2/orders/\{order_id\}$",  # postponing to an end date the order refuses
    r"^/billing/v2/order-sessions",  # token checks and the checkout's rules (order-sessions)
    r"^/order-management/v1/",  # amounts that must add up, ids already used (receipts-v1)
    r"^/accessToken/",  # client id and secret checked against the app's (receipts-v1)
    r"^/api/v1/webhook-endpoints",  # URL rules, exactly one replay selector (webhooks)
    r"^/api/v1/payments/",  # a refund within what is left, in the currency's decimals
    r"^/api/v1/orders/\{order_id\}/start-date$",  # a draft's start date, not in the past
    r"^/pricing-plans/v2/plans",  # a plan's pricing rules, one primary plan (plans API)
]
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {"enabled": True},
        "operations": [
            {
                "include-path-regex": regex,
                "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400"]}},
            }
            for regex in RULES_ANSWER_400
        ],
    }
)


def served_schema() -> schemathesis.schemas.BaseSchema:
    """The schema exactly as GET /api/schema serves it (the view needs no database)."""
    reply = Client(HTTP_HOST="localhost").get("/api/schema", {"format": "json"})
    assert reply.status_code == 200
    loaded = schemathesis.openapi.from_dict(reply.json(), config=CONFIG)
    # No text field accepts U+0000 or an unpaired surrogate (DRF's CharField refuses them,
    # naming the field: no database can store them), which a JSON schema cannot say.
    loaded.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        deterministic=True,
        allow_x00=False,
        codec="utf-8",
    )
    return loaded


schema = served_schema()


@pytest.fixture
def tokens(app_factory, member, plan_factory, settings):
    """An app with every scope, a member with one active order (so some ids exist), and
    order-session keys."""
    settings.TALLY_ORDER_SESSION_KEYS = [MASTER]
    order_create_offline(plan=plan_factory(), buyer=member, actor=Actor.system("test"), paid=True)
    return {"app": app_factory()[1], "member": accounts.member_token_issue(member=member)}


@schema.parametrize()
@settings(
    max_examples=4,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_answer_is_one_the_schema_documents(case, live_server, tokens):
    # given the caller the path is meant for
    caller = "member" if case.path.startswith("/pricing-plans/v2/member/") else "app"
    # when / then: every check schemathesis has
    case.call_and_validate(
        base_url=live_server.url, headers={"Authorization": f"Bearer {tokens[caller]}"}
    )
