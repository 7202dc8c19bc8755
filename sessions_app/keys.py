"""Session keys: one 256-bit key per (app, key version), derived from a master secret.

    TALLY_ORDER_SESSION_KEYS="k2026b:<secret>,k2026a:<older secret>"

The first master secret encrypts; the others only decrypt, like Django's
``SECRET_KEY_FALLBACKS``. A key is never stored: it is HKDF-SHA256 of the master secret with the
app id and the key version as context, so the database (which holds the versions) leaks nothing,
and one app's key says nothing about another's. A token names its key as
``kid = "<master id>.<version>"``; the app is always the caller's, never the token's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from jwcrypto.common import base64url_encode
from jwcrypto.jwk import JWK

from config.errors import DomainError

MASTER_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
MIN_SECRET_CHARS = 32
SALT = b"tally/order-session"
KEY_BYTES = 32  # A256GCM


class SessionKeysNotConfigured(DomainError):
    """No master secret is configured, so no session can be made or read."""

    status = 503
    code = "ORDER_SESSIONS_UNAVAILABLE"
    message = "Order sessions are not available on this server."


@dataclass(frozen=True)
class MasterSecret:
    id: str
    secret: bytes


def master_secrets() -> tuple[MasterSecret, ...]:
    """The configured master secrets, current first. Raises when there are none."""
    masters = parse_master_secrets(tuple(settings.TALLY_ORDER_SESSION_KEYS))
    if not masters:
        raise SessionKeysNotConfigured()
    return masters


@lru_cache(maxsize=8)
def parse_master_secrets(entries: tuple[str, ...]) -> tuple[MasterSecret, ...]:
    """``("id:secret", ...)`` -> master secrets; a malformed entry is a configuration error."""
    masters: list[MasterSecret] = []
    for entry in entries:
        master_id, sep, secret = entry.partition(":")
        if not sep or not MASTER_ID.match(master_id):
            raise ImproperlyConfigured(
                "TALLY_ORDER_SESSION_KEYS: each entry is 'id:secret' with an id of 1-32 "
                "letters, digits, '-' or '_'."
            )
        if len(secret) < MIN_SECRET_CHARS:
            raise ImproperlyConfigured(
                f"TALLY_ORDER_SESSION_KEYS: the secret of '{master_id}' is shorter than "
                f"{MIN_SECRET_CHARS} characters."
            )
        if any(m.id == master_id for m in masters):
            raise ImproperlyConfigured(f"TALLY_ORDER_SESSION_KEYS: '{master_id}' appears twice.")
        masters.append(MasterSecret(master_id, secret.encode()))
    return tuple(masters)


def current_master() -> MasterSecret:
    return master_secrets()[0]


def master_by_id(master_id: str) -> MasterSecret | None:
    return next((m for m in master_secrets() if m.id == master_id), None)


def kid_of(master: MasterSecret, version: int) -> str:
    return f"{master.id}.{version}"


def derive_key(master: MasterSecret, app_id: str, version: int) -> JWK:
    """The app's key of this version under this master secret.

    HKDF runs once per key (its result, an immutable string, is cached); every caller gets a
    JWK object of its own, since a JWK is a mutable dict and threads must not share one.
    """
    return JWK(kty="oct", k=_derive(master.secret, app_id, version))


@lru_cache(maxsize=4096)
def _derive(secret: bytes, app_id: str, version: int) -> str:
    info = f"order-session-key|{app_id}|{version}".encode()
    raw = HKDF(algorithm=SHA256(), length=KEY_BYTES, salt=SALT, info=info).derive(secret)
    return base64url_encode(raw)
