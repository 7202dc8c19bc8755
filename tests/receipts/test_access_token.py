"""POST /accessToken/get and its access token as a Bearer token, over real HTTP: one test per
rule, and every refused credential answered 401 in the problem format with nothing issued."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection

from accounts.client_credentials import client_secret_issue, client_secrets_revoke
from accounts.models import App, ClientSecret
from accounts.scopes import READ_ORDERS, RECEIPTS_MANAGE, RECEIPTS_READ
from receipts.models import Receipt
from tests.receipts.conftest import assert_problem, receipt

pytestmark = pytest.mark.django_db

TOKEN_URL = "/accessToken/get"
SUBSCRIPTION_KEY = {"Ocp-Apim-Subscription-Key": "any-non-empty-key"}


@pytest.fixture(autouse=True)
def no_earlier_attempts():
    """The throttle counts attempts per address in the default cache; each test starts afresh."""
    cache.clear()


@pytest.fixture
def client(app_factory):
    """An app holding the receipts scopes, with its client id and a client secret."""
    app, _ = app_factory(scopes=[RECEIPTS_MANAGE, RECEIPTS_READ])
    return app, {"client_id": str(app.app_def_id), "client_secret": client_secret_issue(app=app)}


def get_token(api, credentials: dict[str, str], **extra: str):
    return api.post(TOKEN_URL, headers={**credentials, **SUBSCRIPTION_KEY, **extra})


def access_token(api, credentials) -> str:
    reply = get_token(api, credentials)
    assert reply.status == 200, reply.body
    return reply.body["access_token"]


def receipt_url(payment) -> str:
    return f"/order-management/v1/receipt/{payment.transaction_id}"


def test_answer_has_exactly_the_documents_schema_with_string_values(api, client, clock):
    # when
    reply = get_token(api, client[1])
    # then
    assert reply.status == 200
    now = int(clock.now.timestamp())
    assert reply.body == {
        "token_type": "Bearer",
        "expires_in": "3600",
        "ext_expires_in": "3600",
        "expires_on": str(now + 3600),
        "not_before": str(now),
        "resource": "tally-api",
        "access_token": reply.body["access_token"],
    }
    assert reply.body["access_token"].startswith("eyJ")
    assert reply.headers["cache-control"] == "no-store"


def test_access_token_works_as_bearer_on_receipts_calls(api, client, payment):
    token = access_token(api, client[1])
    assert api.post(receipt_url(payment), receipt(), token=token).status == 201
    assert api.get(receipt_url(payment), token=token).status == 200


def test_access_token_works_on_every_tally_api_the_app_may_call(api, app_factory):
    # given: an app that may read orders
    app, _ = app_factory(scopes=[READ_ORDERS])
    token = access_token(
        api, {"client_id": str(app.app_def_id), "client_secret": client_secret_issue(app=app)}
    )
    # then
    assert api.get("/pricing-plans/v2/orders", token=token).status == 200
    assert api.get("/api/v1/me", token=token).body["appDefId"] == str(app.app_def_id)


def test_access_token_carries_the_apps_scopes_and_no_more(api, app_factory, payment):
    app, _ = app_factory(scopes=[RECEIPTS_READ])
    token = access_token(
        api, {"client_id": str(app.app_def_id), "client_secret": client_secret_issue(app=app)}
    )
    reply = api.post(receipt_url(payment), receipt(), token=token)
    assert_problem(reply, 403)
    assert not Receipt.objects.exists()


def test_scope_taken_from_the_app_is_gone_from_its_tokens_at_once(api, client, payment):
    # given
    app, credentials = client
    token = access_token(api, credentials)
    # when
    App.objects.filter(pk=app.pk).update(scopes=[RECEIPTS_READ])
    # then
    assert_problem(api.post(receipt_url(payment), receipt(), token=token), 403)


def test_merchant_serial_number_and_system_headers_are_accepted_and_ignored(api, client, payment):
    extra = {"Merchant-Serial-Number": "123456", "Vipps-System-Name": "woocommerce"}
    reply = get_token(api, client[1], **extra)
    assert reply.status == 200
    call = api.post(
        receipt_url(payment), receipt(), token=reply.body["access_token"], headers=extra
    )
    assert call.status == 201


def test_dashed_header_names_work_too(api, client):
    app, credentials = client
    dashed = {"client-id": credentials["client_id"], "client-secret": credentials["client_secret"]}
    assert get_token(api, dashed).status == 200


# --- refused credentials: 401 in the problem format, nothing issued -----------------------


@pytest.mark.parametrize("header", ["client_id", "client_secret", "Ocp-Apim-Subscription-Key"])
def test_each_header_missing_is_a_401(api, client, header):
    headers = {**client[1], **SUBSCRIPTION_KEY}
    del headers[header]
    reply = api.post(TOKEN_URL, headers=headers)
    assert_problem(reply, 401)
    assert reply.body["detail"] == f"The header {header} is required."
    assert "access_token" not in reply.body


@pytest.mark.parametrize("header", ["client_id", "client_secret", "Ocp-Apim-Subscription-Key"])
def test_each_header_empty_is_a_401(api, client, header):
    reply = api.post(TOKEN_URL, headers={**client[1], **SUBSCRIPTION_KEY, header: " "})
    assert_problem(reply, 401)
    assert "access_token" not in reply.body


def test_wrong_secret_and_unknown_client_answer_alike(api, client):
    # given
    app, credentials = client
    wrong_secret = get_token(api, {**credentials, "client_secret": "tly_cs_" + "x" * 43})
    unknown_client = get_token(
        api, {**credentials, "client_id": "0" * 8 + "-0000-0000-0000-" + "0" * 12}
    )
    not_a_uuid = get_token(api, {**credentials, "client_id": "my-app"})
    # then: nothing tells which part was wrong
    for reply in (wrong_secret, unknown_client, not_a_uuid):
        assert_problem(reply, 401)
        assert reply.body["code"] == "INVALID_CLIENT"
        assert reply.body["detail"] == "The client credentials are not valid."


def test_secret_of_another_app_is_a_401(api, client, app_factory):
    other, _ = app_factory(scopes=[RECEIPTS_MANAGE])
    foreign = {**client[1], "client_secret": client_secret_issue(app=other)}
    assert_problem(get_token(api, foreign), 401)


def test_app_token_is_not_a_client_secret(api, client, app_factory):
    app, app_token = app_factory(scopes=[RECEIPTS_MANAGE])
    credentials = {"client_id": str(app.app_def_id), "client_secret": app_token}
    assert_problem(get_token(api, credentials), 401)


def test_revoked_secret_gets_no_token(api, client):
    app, credentials = client
    client_secrets_revoke(app=app)
    assert_problem(get_token(api, credentials), 401)


def test_disabled_app_gets_no_token(api, client):
    app, credentials = client
    App.objects.filter(pk=app.pk).update(is_active=False)
    assert_problem(get_token(api, credentials), 401)


def test_get_is_a_405_problem(api, client):
    assert_problem(api.get(TOKEN_URL, headers={**client[1], **SUBSCRIPTION_KEY}), 405)


# --- the access token afterwards: refused on the very next request -------------------------


def test_revoking_the_secret_refuses_its_access_tokens_on_the_next_request(api, client, payment):
    # given
    app, credentials = client
    token = access_token(api, credentials)
    assert api.get(receipt_url(payment), token=token).status == 404  # accepted: no receipt yet
    # when: revoked without any signal or cache in between
    ClientSecret.objects.filter(app=app).update(revoked_at=ClientSecret.objects.first().created)
    # then
    reply = api.post(receipt_url(payment), receipt(), token=token)
    assert_problem(reply, 401)
    assert not Receipt.objects.exists()


def test_disabling_the_app_refuses_its_access_tokens_on_the_next_request(api, client, payment):
    app, credentials = client
    token = access_token(api, credentials)
    App.objects.filter(pk=app.pk).update(is_active=False)
    assert_problem(api.post(receipt_url(payment), receipt(), token=token), 401)
    assert not Receipt.objects.exists()


def test_other_secrets_of_the_app_keep_working_after_one_is_issued(api, client, payment):
    app, credentials = client
    token = access_token(api, credentials)
    client_secret_issue(app=app)
    assert api.post(receipt_url(payment), receipt(), token=token).status == 201


def test_expired_access_token_is_a_401(api, client, payment, clock):
    # given
    token = access_token(api, client[1])
    # when
    clock.advance(timedelta(hours=1))
    # then
    reply = api.post(receipt_url(payment), receipt(), token=token)
    assert_problem(reply, 401)
    assert "expired" in reply.body["detail"]
    assert not Receipt.objects.exists()


def test_access_token_is_valid_until_its_last_second(api, client, payment, clock):
    token = access_token(api, client[1])
    clock.advance(timedelta(minutes=59, seconds=59))
    assert api.post(receipt_url(payment), receipt(), token=token).status == 201


def test_tampered_access_token_is_a_401(api, client, payment):
    token = access_token(api, client[1])
    header, claims, signature = token.split(".")
    forged = ".".join([header, claims, signature[::-1]])
    assert_problem(api.post(receipt_url(payment), receipt(), token=forged), 401)
    assert_problem(api.get(receipt_url(payment), token="eyJ.not.jwt"), 401)
    assert not Receipt.objects.exists()


def test_access_token_is_refused_on_the_wix_api_in_its_envelope(api, app_factory):
    app, _ = app_factory(scopes=[READ_ORDERS])
    token = access_token(
        api, {"client_id": str(app.app_def_id), "client_secret": client_secret_issue(app=app)}
    )
    App.objects.filter(pk=app.pk).update(is_active=False)
    reply = api.get("/pricing-plans/v2/orders", token=token)
    assert reply.status == 401
    assert "message" in reply.body


def test_token_requests_are_throttled_per_client_address(api, client, settings):
    # given: every attempt counts, failed ones included
    settings.TALLY_ACCESS_TOKEN_RATE = "3/min"
    wrong = {**client[1], "client_secret": "tly_cs_wrong"}
    # when
    replies = [get_token(api, wrong) for _ in range(3)] + [get_token(api, client[1])]
    # then
    assert [r.status for r in replies] == [401, 401, 401, 429]
    assert_problem(replies[-1], 429)
    assert "retry-after" in replies[-1].headers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # the other process reads what this one wrote
def test_secret_revoked_by_another_process_refuses_the_token_on_the_next_request(
    api, client, payment
):
    # given: a token in use
    app, credentials = client
    token = access_token(api, credentials)
    assert api.get(receipt_url(payment), token=token).status == 404  # accepted: no receipt yet
    # when: the command revokes the secret from a process of its own
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    subprocess.run(
        [sys.executable, "manage.py", "issue_client_secret", str(app.app_def_id), "--revoke"],
        env={**os.environ, "DATABASE_URL": url, "TALLY_DEBUG": "1"},
        cwd=django_settings.BASE_DIR,
        check=True,
        capture_output=True,
    )
    # then
    assert_problem(api.post(receipt_url(payment), receipt(), token=token), 401)
    assert not Receipt.objects.exists()


def test_refused_credentials_count_toward_the_api_failure_budget(api, client, settings):
    """A guesser of client secrets and a guesser of API tokens share one budget per address."""
    # given
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"caller": None, "address": None, "auth_failures": "3/min"},
    }
    app, credentials = client
    wrong = {**credentials, "client_secret": "tly_cs_" + "x" * 43}
    # when
    replies = [get_token(api, wrong) for _ in range(3)]
    # then: the address is out of failures, for the token endpoint and the other APIs alike
    assert [r.status for r in replies] == [401, 401, 401]
    assert get_token(api, credentials).status == 429
    assert api.get("/api/v1/me", token="tly_app_guess").status == 429
