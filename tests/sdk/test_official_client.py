"""The official Wix client (`@wix/sdk` 1.21.16 + `@wix/auto_sdk_pricing-plans_orders` 1.0.130
and `@wix/auto_sdk_pricing-plans_plans` 1.0.117), unmodified, calls all 15 order functions
(run.mjs) and all 11 plan functions (run_plans.mjs) against a live Tally server.

The packages are installed by `make test-deps` (npm ci from the committed lockfile).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from accounts import scopes
from accounts import services as accounts
from orders.models import PricingModel
from orders.services.catalogue import coupon_upsert
from tests.wix_functions import WIX_FUNCTIONS

HERE = Path(__file__).resolve().parent
FUNCTIONS = WIX_FUNCTIONS


@pytest.fixture
def sdk_config(live_server, app_factory, member, other_member, plan_factory):
    """Demo-like data: a 12-month plan, a one-time plan, the SAVE10 coupon, two members."""
    monthly = plan_factory(name="Monthly (12 months)", price="10.00", cycle_count=12)
    one_time = plan_factory(
        name="Summer pass", price="25.00", pricing_model=PricingModel.SINGLE_PAYMENT_FOR_DURATION
    )
    coupon_upsert(code="SAVE10", discount_type="PERCENT", value=Decimal("10"), enabled=True)
    return {
        "baseUrl": live_server.url,
        "appToken": app_factory()[1],
        "manageOrdersToken": app_factory(scopes=[scopes.MANAGE_ORDERS])[1],
        "memberToken": accounts.member_token_issue(member=member),
        "otherMemberToken": accounts.member_token_issue(member=other_member),
        "memberId": str(member.member_id),
        "planId": str(monthly.id),
        "oneTimePlanId": str(one_time.id),
        "coupon": "SAVE10",
    }


def run_client(config: dict, script: str = "run.mjs") -> list[dict]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed for the official client test (apt-get install nodejs).")
    if not (HERE / "node_modules" / "@wix" / "sdk").is_dir():
        pytest.fail("Install the official client first: make test-deps (npm ci in tests/sdk).")
    done = subprocess.run(
        [node, str(HERE / script)],
        cwd=HERE,
        env={**os.environ, "TALLY_SDK_CONFIG": json.dumps(config)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])["results"]


def test_official_client_calls_every_function_and_sees_its_effect(sdk_config):
    # when the unmodified client runs its script against the live server
    results = run_client(sdk_config)
    # then every step passed
    failed = [r for r in results if not r["ok"]]
    assert not failed, json.dumps(failed, indent=2)
    # and every one of the 15 functions was exercised by name
    names = {r["name"].split()[0] for r in results}
    assert FUNCTIONS <= names


PLAN_FUNCTIONS = frozenset(
    {
        "listPublicPlans",
        "queryPublicPlans",
        "getPlan",
        "listPlans",
        "getPlanStats",
        "createPlan",
        "updatePlan",
        "setPlanVisibility",
        "makePlanPrimary",
        "clearPrimary",
        "archivePlan",
    }
)


def test_official_plans_client_calls_every_function_and_sees_its_effect(live_server, app_factory):
    # given an app that manages plans and one that only reads them
    config = {
        "baseUrl": live_server.url,
        "managerToken": app_factory(scopes=[scopes.MANAGE_PLANS])[1],
        "readerToken": app_factory(scopes=[scopes.READ_PLANS])[1],
    }
    # when the unmodified plans client runs its script against the live server
    results = run_client(config, script="run_plans.mjs")
    # then every step passed, and each of the 11 functions was called by name
    failed = [r for r in results if not r["ok"]]
    assert not failed, json.dumps(failed, indent=2)
    assert {r["name"] for r in results} >= PLAN_FUNCTIONS
