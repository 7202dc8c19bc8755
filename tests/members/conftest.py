"""Member-page fixtures: the order-session secret the site's checkout needs, a plan, and a
helper that buys it the way the checkout page does."""

from __future__ import annotations

import uuid

import pytest

MASTER = "k1:" + "m" * 43


@pytest.fixture(autouse=True)
def session_keys(settings):
    settings.TALLY_ORDER_SESSION_KEYS = [MASTER]
    return settings


@pytest.fixture
def monthly(plan_factory):
    return plan_factory(name="Monthly", price="10.00", description="Every month, renews.")


def checkout_form(**fields) -> dict:
    return {"submission_id": str(uuid.uuid4()), "coupon_code": "", "start_date": "", **fields}


def buy(client, plan, **fields):
    """Post the checkout form as the page would; the response (a redirect when it worked)."""
    return client.post(f"/plans/{plan.pk}/checkout/", checkout_form(**fields))
