"""Order-session fixtures: configured master secrets, an app holding the session scopes, and
tokens made exactly as the service makes them (for the codec and key tests)."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import pytest

from accounts.scopes import MANAGE_ORDER_SESSIONS, READ_ORDER_SESSIONS
from config import clock as tally_clock
from sessions_app import codec
from sessions_app.services.tokens import token_seal

MASTER = "k1:" + "m" * 43
OLDER_MASTER = "k0:" + "o" * 43
SESSION_SCOPES = [MANAGE_ORDER_SESSIONS, READ_ORDER_SESSIONS]


@pytest.fixture(autouse=True)
def session_keys(settings):
    settings.TALLY_ORDER_SESSION_KEYS = [MASTER]
    return settings


@pytest.fixture
def session_app(app_factory):
    """``(app, token)``: an app that may create, read and submit sessions."""
    return app_factory(scopes=SESSION_SCOPES)


@pytest.fixture
def other_app(app_factory):
    return app_factory(scopes=SESSION_SCOPES)


def claims_for(app, *, ttl: int = 3600, data: dict[str, Any] | None = None) -> dict[str, Any]:
    issued = int(tally_clock.now().timestamp())
    return {
        "v": codec.PAYLOAD_VERSION,
        "sid": secrets.token_hex(16),
        "app": str(app.app_def_id),
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl,
        "data": data if data is not None else {"planId": str(uuid.uuid4())},
    }


def seal_for(app, claims: dict[str, Any] | None = None, **kw: Any) -> str:
    """A token for ``app``, made as the service makes one (current key version and master)."""
    return token_seal(app=app, claims=claims or claims_for(app, **kw))


def session_data(plan, member, **extra: Any) -> dict[str, Any]:
    """The ``sessionData`` of a create request for ``member`` buying ``plan``."""
    return {"planId": str(plan.pk), "memberId": str(member.member_id), **extra}


def create_session(api, token: str, plan, member, **extra: Any) -> str:
    """Create a session over HTTP and return its ``orderSessionId``."""
    reply = api.post(
        "/billing/v2/order-sessions",
        {"sessionData": session_data(plan, member, **extra)},
        token=token,
    )
    assert reply.status == 200, reply.body
    return reply.body["orderSession"]["orderSessionId"]


def error_code(reply) -> str | None:
    details = (reply.body or {}).get("details", {})
    return details.get("applicationError", {}).get("code")


def violated_fields(reply) -> list[str]:
    details = (reply.body or {}).get("details", {})
    return [v["field"] for v in details.get("validationError", {}).get("fieldViolations", [])]


@pytest.fixture
def plan(plan_factory):
    return plan_factory(price="30.00")
