"""Creating and reading order sessions. Create stores nothing: the token is the state.

The checks of plan, buyer, coupon, start date and purchase limit are the orders rules
(``order_checkout_check``); this module adds only what is the session's own: the coupon count,
the switch fields, the lifetime and the token.
"""

from __future__ import annotations

import secrets
from dataclasses import replace

from accounts.actors import Actor
from accounts.models import App
from config import clock
from sessions_app import codec
from sessions_app.data import OrderSession, SessionData, from_timestamp
from sessions_app.errors import OrderSessionNotFound
from sessions_app.models import SubmittedSession
from sessions_app.services.checks import checkout_check
from sessions_app.services.tokens import token_open, token_seal

PAYLOAD_VERSION = codec.PAYLOAD_VERSION


def order_session_create(*, app: App, data: SessionData, actor: Actor) -> OrderSession:
    """Check the session data as a checkout would, then seal it into a token for ``app``."""
    checkout_check(data)
    now = clock.now()
    issued = int(now.timestamp())
    claims = {
        "v": PAYLOAD_VERSION,
        "sid": secrets.token_hex(16),
        "app": str(app.app_def_id),
        "iat": issued,
        "nbf": issued,
        "exp": issued + data.ttl_seconds,
        "data": data.to_wire(),
    }
    return _session_of(token_seal(app=app, claims=claims), claims, data)


def order_session_open(*, app: App, token: str) -> OrderSession:
    """The session behind ``token`` if ``app`` made it and it is live (not its submit state)."""
    claims = token_open(app=app, token=token)
    try:
        data = SessionData.from_wire(claims["data"])
    except (KeyError, TypeError, ValueError):  # a payload from a format we no longer read
        raise OrderSessionNotFound() from None
    return _session_of(token, claims, data)


def order_session_get(*, app: App, token: str) -> OrderSession:
    """The session with whether it was submitted, and its order once it was."""
    session = order_session_open(app=app, token=token)
    order_id = (
        SubmittedSession.objects.filter(sid=session.sid).values_list("order_id", flat=True).first()
    )
    return replace(session, order_id=order_id)


def _session_of(token: str, claims: dict, data: SessionData) -> OrderSession:
    return OrderSession(
        token=token,
        sid=claims["sid"],
        data=data,
        created_date=from_timestamp(claims["iat"]),
        expires_date=from_timestamp(claims["exp"]),
    )
