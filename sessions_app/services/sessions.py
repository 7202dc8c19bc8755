"""Creating and reading order sessions. Create stores nothing: the token is the state.

Create runs the checkout checks (services/checks.py) and seals the data with its lifetime;
get opens the token and reads, in the same query as the key's state, whether it was submitted.
"""

from __future__ import annotations

import secrets
import uuid

from accounts.actors import Actor
from accounts.models import App
from config import clock
from sessions_app import codec
from sessions_app.data import OrderSession, SessionData, from_timestamp
from sessions_app.services.checks import checkout_check
from sessions_app.services.tokens import token_open, token_seal


def order_session_create(
    *, app: App, data: SessionData, actor: Actor, sid: str | None = None
) -> OrderSession:
    """Check the session data as a checkout would, then seal it into a token for ``app``.

    ``sid`` (32 hex digits) is for a caller that must make one order per form it received:
    sessions with the same sid submit once between them. By default every session is new.
    """
    checkout_check(data)
    now = clock.now()
    issued = int(now.timestamp())
    claims = {
        "v": codec.PAYLOAD_VERSION,
        "sid": sid or secrets.token_hex(16),
        "app": str(app.app_def_id),
        "iat": issued,
        "nbf": issued,
        "exp": issued + data.ttl_seconds,
        "data": data.to_wire(),
    }
    return _session_of(token_seal(app=app, claims=claims), claims)


def order_session_get(*, app: App, token: str) -> OrderSession:
    """The session behind ``token`` if ``app`` made it and it is live, with its order once
    submitted."""
    opened = token_open(app=app, token=token)
    return _session_of(token, opened.claims, order_id=opened.order_id)


def _session_of(token: str, claims: dict, order_id: uuid.UUID | None = None) -> OrderSession:
    return OrderSession(
        token=token,
        sid=claims["sid"],
        wire_data=claims["data"],
        created_date=from_timestamp(claims["iat"]),
        expires_date=from_timestamp(claims["exp"]),
        order_id=order_id,
    )
