"""Fuzz every pricing-plans and /api/v1 order operation from the served OpenAPI schema.

Schemathesis generates requests that fit the schema and requests that do not (wrong types,
missing fields, odd strings); whatever arrives, the answer is never a 500 and every error is
the Wix envelope with a string code. Examples are bounded and derandomized, so runs repeat.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.generation import GenerationMode

from accounts import services as accounts
from accounts.actors import Actor
from orders.services.checkout import order_create_offline

OUR_PATHS = r"^/(pricing-plans/v2/|api/v1/orders/)"


def served_schema() -> schemathesis.schemas.BaseSchema:
    """The schema exactly as GET /api/schema serves it (the view needs no database)."""
    reply = Client(HTTP_HOST="localhost").get("/api/schema", {"format": "json"})
    assert reply.status_code == 200
    loaded = schemathesis.openapi.from_dict(reply.json())
    loaded.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], deterministic=True
    )
    return loaded.include(path_regex=OUR_PATHS)


schema = served_schema()


@pytest.fixture
def tokens(app_factory, member, monthly):
    """An app with every scope, a member, and one active order so some ids exist."""
    order_create_offline(plan=monthly, buyer=member, actor=Actor.system("test"), paid=True)
    return {"app": app_factory()[1], "member": accounts.member_token_issue(member=member)}


@schema.parametrize()
@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_no_request_produces_a_server_error(case, live_server, tokens):
    # given the caller the path is meant for
    caller = "member" if case.path.startswith("/pricing-plans/v2/member/") else "app"
    # when
    response = case.call(
        base_url=live_server.url, headers={"Authorization": f"Bearer {tokens[caller]}"}
    )
    # then
    assert response.status_code < 500, response.text
    body = json.loads(response.text)
    if response.status_code != 200:
        error = body["details"].get("applicationError") or body["details"]["validationError"]
        if "code" in error:
            assert isinstance(error["code"], str)
        else:
            assert error["fieldViolations"]
