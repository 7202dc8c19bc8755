"""Sealing and opening tokens with the app's keys: the codec joined to the key versions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Subquery, UUIDField

from accounts.models import App
from config import clock
from config.queries import unique_or_none
from sessions_app import codec, keys
from sessions_app.errors import OrderSessionNotFound
from sessions_app.models import SessionKeyVersion, SubmittedSession, decrypts_at
from sessions_app.services.keys import session_key_current_version


@dataclass(frozen=True)
class OpenToken:
    claims: dict[str, Any]
    order_id: uuid.UUID | None  # the order the session made, once submitted


def token_seal(*, app: App, claims: dict[str, Any]) -> str:
    """Encrypt ``claims`` under the app's current key version and the current master secret."""
    app_id = str(app.app_def_id)
    version = session_key_current_version(app=app)
    master = keys.current_master()
    return codec.seal(
        claims,
        app_id=app_id,
        kid=keys.kid_of(master, version),
        key=keys.derive_key(master, app_id, version),
    )


def token_open(*, app: App, token: str) -> OpenToken:
    """The claims of a live token of ``app``, and whether it was submitted.

    The key comes from the caller's app and the token's kid, never from the token's app. It
    derives from the master secret alone, so decryption needs no query; the one query, after
    it, reads the key version's retirement and the session's submission together (from the
    database, never from the ``app`` instance, which may have been read before a revoke).
    """
    app_id = str(app.app_def_id)

    def key_for(kid: codec.KeyId):
        master = keys.master_by_id(kid.master_id)
        return None if master is None else keys.derive_key(master, app_id, kid.version)

    opened = codec.decrypt_token(token, app_id=app_id, key_for=key_for)
    row = _key_state(app, opened.kid.version, opened.claims["sid"])
    now = clock.now()
    if row is None or not decrypts_at(row[0], now):
        raise OrderSessionNotFound()  # a retired key outranks expiry: the session is gone
    codec.check_times(opened.claims, now)
    return OpenToken(opened.claims, row[1])


def _key_state(app: App, version: int, sid: str) -> tuple | None:
    """(retires_at, order_id) of the key version and the session, or None if no such version:
    one query, on unique keys, so unsorted (the models' default orderings would add a join
    to the apps table and a sort to the subquery)."""
    submitted = SubmittedSession.objects.filter(sid=sid).order_by().values("order_id")[:1]
    return unique_or_none(
        SessionKeyVersion.objects.filter(app_id=app.pk, version=version)
        .annotate(order_id=Subquery(submitted, output_field=UUIDField()))
        .values_list("retires_at", "order_id")
    )
