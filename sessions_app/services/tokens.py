"""Sealing and opening tokens with the app's keys: the codec joined to the key versions."""

from __future__ import annotations

from typing import Any

from accounts.models import App
from config import clock
from sessions_app import codec, keys
from sessions_app.services.keys import session_key_current, session_key_live


def token_seal(*, app: App, claims: dict[str, Any]) -> str:
    """Encrypt ``claims`` under the app's current key version and the current master secret."""
    app_id = str(app.app_def_id)
    version = session_key_current(app=app).version
    master = keys.current_master()
    return codec.seal(
        claims,
        app_id=app_id,
        kid=keys.kid_of(master, version),
        key=keys.derive_key(master, app_id, version),
    )


def token_open(*, app: App, token: str) -> dict[str, Any]:
    """The claims of a live token of ``app``; the key comes from the caller, never the token."""
    app_id = str(app.app_def_id)

    def key_for(kid: codec.KeyId):
        master = keys.master_by_id(kid.master_id)
        if master is None or session_key_live(app=app, version=kid.version) is None:
            return None
        return keys.derive_key(master, app_id, kid.version)

    return codec.open_token(token, app_id=app_id, key_for=key_for, now=clock.now())
