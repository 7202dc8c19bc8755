"""API throttling: per caller, per address, and failed authentications counted apart; over a
budget the answer is 429 with Retry-After in the API's own envelope."""

from __future__ import annotations

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command

from config.throttling import AuthFailureThrottle

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"
RECEIPT = "/order-management/v1/receipt/tx-1"
PUBLIC_PLANS = "/pricing-plans/v2/plans/public"


@pytest.fixture
def rates(settings):
    """``rates(caller="3/min")``: the throttle rates for this test."""

    def set_rates(**scopes: str | None) -> None:
        base = {"caller": None, "address": None, "auth_failures": None, "anonymous": None}
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**base, **scopes},
        }

    return set_rates


def _code(reply) -> str:
    return reply.body["details"]["applicationError"]["code"]


def test_bad_tokens_past_the_failure_budget_answer_429_with_retry_after(api, rates):
    # given
    rates(auth_failures="5/min")
    # when
    replies = [api.get(ME, token=f"tly_app_guess{i}") for i in range(8)]
    # then
    assert [r.status for r in replies] == [401] * 5 + [429] * 3
    assert _code(replies[-1]) == "TOO_MANY_REQUESTS"
    assert 1 <= int(replies[-1].headers["retry-after"]) <= 60


def test_past_the_failure_budget_even_the_right_token_is_refused(api, app_factory, rates):
    # given an address that used up its failures
    rates(auth_failures="3/min")
    for i in range(3):
        api.get(ME, token=f"tly_app_guess{i}")
    # when the right token follows from the same address
    reply = api.get(ME, token=app_factory()[1])
    # then a guesser learns nothing from it
    assert reply.status == 429


def test_failures_do_not_spend_the_budget_of_requests_without_credentials(api, rates):
    rates(auth_failures="2/min")
    for i in range(2):
        api.get(ME, token=f"tly_app_guess{i}")
    assert api.get(ME).status == 401  # no credentials: not a guess, not refused


def test_a_caller_over_its_rate_gets_429_in_the_wix_envelope(api, app_factory, rates):
    # given
    rates(caller="3/min")
    token = app_factory()[1]
    # when
    replies = [api.get(ME, token=token) for _ in range(4)]
    # then
    assert [r.status for r in replies] == [200, 200, 200, 429]
    assert _code(replies[-1]) == "TOO_MANY_REQUESTS"
    assert "retry-after" in replies[-1].headers


def test_each_caller_has_its_own_budget(api, app_factory, rates):
    rates(caller="2/min")
    first, second = app_factory()[1], app_factory()[1]
    for _ in range(2):
        api.get(ME, token=first)
    assert api.get(ME, token=first).status == 429
    assert api.get(ME, token=second).status == 200


def test_an_address_over_its_rate_gets_429_whichever_token_it_sends(api, app_factory, rates):
    rates(address="3/min")
    for _ in range(3):
        api.get(ME, token=app_factory()[1])
    assert api.get(ME, token=app_factory()[1]).status == 429


def test_receipts_answer_a_throttled_request_as_a_problem(api, app_factory, rates):
    rates(caller="1/min")
    token = app_factory()[1]
    api.get(RECEIPT, token=token)
    reply = api.get(RECEIPT, token=token)
    assert reply.status == 429
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.body["code"] == "TOO_MANY_REQUESTS" and "retry-after" in reply.headers


def test_failure_counts_in_the_database_cache_are_seen_by_every_process(api, rates, settings):
    # given the throttle counts kept in the database, as several processes would share them
    call_command("createcachetable", "tally_throttle_cache", verbosity=0)
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "tally_throttle_cache",
        },
    }
    rates(auth_failures="2/min")
    # when this process (the test server) counts two failures
    for i in range(2):
        api.get(ME, token=f"tly_app_guess{i}")
    # then a cache another process would open on the same table holds them
    elsewhere = DatabaseCache("tally_throttle_cache", {})
    throttle = AuthFailureThrottle()
    assert elsewhere.get(throttle.window_key("127.0.0.1")) == 2


def test_visitors_without_credentials_have_the_anonymous_budget(api, app_factory, rates):
    # given a budget of 2 requests a minute for callers without credentials
    rates(anonymous="2/min")
    token = app_factory()[1]
    # when a visitor reads the public plans three times, and an app from the same address
    visitor = [api.get(PUBLIC_PLANS).status for _ in range(3)]
    app = [api.get(PUBLIC_PLANS, token=token).status for _ in range(3)]
    # then the third visit is refused, and the app's calls are not counted in that budget
    assert visitor == [200, 200, 429]
    assert app == [200, 200, 200]
