"""GET /billing/v2/order-sessions/{orderSessionId} over real HTTP: reading, and every refusal
of a token (contract sections 2 and 4)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from io import StringIO
from urllib.parse import quote

import pytest

from accounts.scopes import MANAGE_ORDER_SESSIONS
from orders.wire import timestamp
from sessions_app.services.keys import GRACE
from tests.sessions_app.conftest import create_session, error_code, session_data
from tests.sessions_app.test_codec import b64, header_of, with_header

URL = "/billing/v2/order-sessions/"


def get(api, token, session_id):
    return api.get(URL + quote(session_id, safe=""), token=token)


def test_get_returns_the_session_not_yet_submitted(api, session_app, plan, member, clock):
    # given
    _, token = session_app
    session_id = create_session(api, token, plan, member)
    # when
    reply = get(api, token, session_id)
    # then
    assert reply.status == 200
    session = reply.body["orderSession"]
    assert session["orderSessionId"] == session_id
    assert session["submitted"] is False and "orderId" not in session
    assert session["sessionData"]["planId"] == str(plan.pk)


def test_get_shows_the_session_exactly_as_create_returned_it(api, session_app, plan, member, clock):
    # given a session with every optional field
    _, token = session_app
    body = {
        "sessionData": session_data(
            plan,
            member,
            startDate=timestamp(clock.now + timedelta(days=3)),
            submissionId=str(uuid.uuid4()),
            ttlSeconds=7200,
        )
    }
    created = api.post(URL.rstrip("/"), body, token=token).body["orderSession"]
    # when
    shown = get(api, token, created["orderSessionId"]).body["orderSession"]
    # then
    assert {k: v for k, v in shown.items() if k != "submitted"} == created
    assert shown["submitted"] is False


def test_get_needs_the_read_scope_manage_does_not_imply_it(api, app_factory, plan, member, clock):
    _, token = app_factory(scopes=[MANAGE_ORDER_SESSIONS])
    session_id = create_session(api, token, plan, member)
    assert get(api, token, session_id).status == 403


def test_get_without_credentials_is_401(api, session_app, plan, member, clock):
    _, token = session_app
    session_id = create_session(api, token, plan, member)
    assert api.get(URL + session_id).status == 401


def test_another_apps_token_gets_the_same_answer_as_a_tampered_one(
    api, session_app, other_app, plan, member, clock
):
    # given: a session of one app
    _, token = session_app
    _, other_token = other_app
    session_id = create_session(api, token, plan, member)
    parts = session_id.split(".")
    parts[3] = ("B" if parts[3][0] != "B" else "C") + parts[3][1:]
    tampered = ".".join(parts)
    # when: another app reads it, and the app reads a tampered copy
    foreign = get(api, other_token, session_id)
    broken = get(api, token, tampered)
    # then: one answer for both, no oracle
    assert (foreign.status, error_code(foreign)) == (404, "ORDER_SESSION_NOT_FOUND")
    assert (broken.status, broken.body) == (foreign.status, foreign.body)


def test_expired_session_is_refused_on_get(api, session_app, plan, member, clock):
    _, token = session_app
    session_id = create_session(api, token, plan, member, ttlSeconds=60)
    clock.advance(seconds=60 + 60)
    assert get(api, token, session_id).status == 200  # within the 60 s leeway
    clock.advance(seconds=1)
    reply = get(api, token, session_id)
    assert (reply.status, error_code(reply)) == (400, "EXPIRED_ORDER_SESSION")


def test_session_from_the_future_is_not_yet_valid(api, session_app, plan, member, clock):
    _, token = session_app
    session_id = create_session(api, token, plan, member)
    clock.advance(seconds=-61)
    reply = get(api, token, session_id)
    assert (reply.status, error_code(reply)) == (400, "ORDER_SESSION_NOT_YET_VALID")


def test_token_under_the_previous_key_is_read_within_grace_and_not_after(
    api, session_app, plan, member, clock
):
    # given: a 48 h session, then the app's key is rotated
    from django.core.management import call_command

    app, token = session_app
    session_id = create_session(api, token, plan, member, ttlSeconds=172800)
    call_command("rotate_session_keys", app.name, stdout=StringIO())
    # then: it stays readable until its own expiry (inside the grace period)
    clock.advance(seconds=172800 + 60)
    assert get(api, token, session_id).status == 200
    # and once the old version is retired, it is not found
    clock.advance(GRACE - timedelta(seconds=172800 + 60))
    assert error_code(get(api, token, session_id)) == "ORDER_SESSION_NOT_FOUND"


def test_revoked_key_makes_open_sessions_not_found(api, session_app, plan, member, clock):
    from django.core.management import call_command

    app, token = session_app
    session_id = create_session(api, token, plan, member)
    call_command("rotate_session_keys", app.name, "--revoke", stdout=StringIO())
    reply = get(api, token, session_id)
    assert (reply.status, error_code(reply)) == (404, "ORDER_SESSION_NOT_FOUND")


def hostile_tokens(session_id: str) -> dict[str, str]:
    header = header_of(session_id)
    return {
        "alg-none": with_header(session_id, {**header, "alg": "none"}),
        "alg-none-unsecured": b64('{"alg":"none"}') + "." + b64('{"sid":"x"}') + ".",
        "pbes2-huge-p2c": with_header(
            session_id,
            {**header, "alg": "PBES2-HS512+A256KW", "p2s": "c2FsdHNhbHQ", "p2c": 2_000_000_000},
        ),
        "zip": with_header(session_id, {**header, "zip": "DEF"}),
        "json-serialization": json.dumps(
            {
                "protected": session_id.split(".")[0],
                "iv": session_id.split(".")[2],
                "ciphertext": session_id.split(".")[3],
                "tag": session_id.split(".")[4],
            }
        ),
        "oversized": session_id + "A" * 5000,
        "malformed": "definitely-not-a-token",
        "kid-header": with_header(session_id, {**header, "kid": "k1"}),
    }


@pytest.mark.parametrize(
    "kind",
    [
        "alg-none",
        "alg-none-unsecured",
        "pbes2-huge-p2c",
        "zip",
        "json-serialization",
        "oversized",
        "malformed",
        "kid-header",
    ],
)
def test_hostile_and_malformed_tokens_are_invalid(kind, api, session_app, plan, member, clock):
    _, token = session_app
    hostile = hostile_tokens(create_session(api, token, plan, member))[kind]
    reply = get(api, token, hostile)
    assert (reply.status, error_code(reply)) == (400, "INVALID_ORDER_SESSION_ID")


def test_no_error_body_names_a_library_an_exception_or_a_key_id(
    api, session_app, other_app, plan, member, clock
):
    _, token = session_app
    _, other_token = other_app
    session_id = create_session(api, token, plan, member)
    replies = [get(api, token, t) for t in hostile_tokens(session_id).values()]
    replies.append(get(api, other_token, session_id))
    clock.advance(days=3)
    replies.append(get(api, token, session_id))
    for reply in replies:
        text = reply.raw.decode().lower()
        assert reply.status in (400, 404)
        for leak in (
            "jwcrypto",
            "jwe",
            "jose",
            "exception",
            "traceback",
            "error:",
            "kid",
            "k1.",
            "invalidjwedata",
            "cryptography",
        ):
            assert leak not in text, (leak, text)
