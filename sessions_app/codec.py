"""The order-session token: a compact JWE made and read with jwcrypto.

    eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIiwia2lkIjoiazEuMyIsInR5cCI6Im9yZGVyLXNlc3Npb24rand0
    IiwiYXBwIjoiLi4uIn0..<iv>.<ciphertext>.<tag>

    protected header: {"alg": "dir", "enc": "A256GCM", "kid": "k1.3",
                       "typ": "order-session+jwt", "app": "<appDefId>"}
    payload:          {"v": 1, "sid": "<32 hex>", "app": "<appDefId>",
                       "iat": 1790000000, "nbf": 1790000000, "exp": 1790086400,
                       "data": {...session data...}}

Reading is two steps. ``read_header`` does the cheap checks on the text alone (length,
shape, base64url, the header allow-list, the algorithm pin, the app) and refuses a hostile
token in microseconds, before any key is derived or any decryption runs. ``decrypt_token``
then decrypts with the key the caller's app and the ``kid`` select, with jwcrypto pinned to
``dir``/``A256GCM``, and ``check_times`` checks the claims against the clock (the service
checks the key's retirement in between).

Refusals are ``InvalidOrderSessionId`` (400: not a token we could have made) or
``OrderSessionNotFound`` (404: another app's, tampered, unknown or retired key: one answer).
"""

from __future__ import annotations

import binascii
import re
from base64 import urlsafe_b64decode
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import orjson
from jwcrypto.jwe import JWE
from jwcrypto.jwk import JWK

from sessions_app.errors import (
    InvalidOrderSessionId,
    OrderSessionExpired,
    OrderSessionNotFound,
    OrderSessionNotYetValid,
    OrderSessionTooLarge,
)

PINNED_ALGS = ["dir", "A256GCM"]
TYP = "order-session+jwt"
HEADER_MEMBERS = frozenset({"alg", "enc", "kid", "typ", "app"})
PAYLOAD_VERSION = 1
MAX_PLAINTEXT_BYTES = 2048
MAX_TOKEN_CHARS = 4096
MAX_HEADER_CHARS = 400
LEEWAY_SECONDS = 60

# header . (empty: no encrypted key with "dir") . 96-bit iv . ciphertext . 128-bit tag
_B64 = "[A-Za-z0-9_-]"
_MAX_CIPHERTEXT_CHARS = -(-MAX_PLAINTEXT_BYTES * 4 // 3)
_COMPACT = re.compile(
    rf"({_B64}{{1,{MAX_HEADER_CHARS}}})\.\.({_B64}{{16}})"
    rf"\.({_B64}{{1,{_MAX_CIPHERTEXT_CHARS}}})\.({_B64}{{22}})"
)
_KID = re.compile(r"([A-Za-z0-9_-]{1,32})\.([1-9][0-9]{0,8})")


@dataclass(frozen=True)
class KeyId:
    master_id: str
    version: int


KeyLookup = Callable[[KeyId], JWK | None]


@dataclass(frozen=True)
class Opened:
    kid: KeyId
    claims: dict[str, Any]


def seal(claims: dict[str, Any], *, app_id: str, kid: str, key: JWK) -> str:
    """Encrypt ``claims`` for ``app_id`` under ``key``; the result fits a URL path."""
    plaintext = orjson.dumps(claims)
    if len(plaintext) > MAX_PLAINTEXT_BYTES:
        raise OrderSessionTooLarge()
    jwe = JWE(plaintext, protected=_protected_header(kid, app_id), algs=PINNED_ALGS)
    jwe.add_recipient(key)
    token = jwe.serialize(compact=True)
    if len(token) > MAX_TOKEN_CHARS:
        raise OrderSessionTooLarge()
    return token


@lru_cache(maxsize=1024)
def _protected_header(kid: str, app_id: str) -> str:
    header = {"alg": "dir", "enc": "A256GCM", "kid": kid, "typ": TYP, "app": app_id}
    return orjson.dumps(header).decode()


def read_header(token: str, *, app_id: str) -> KeyId:
    """The cheap checks, on the text alone. Returns the key id the token names."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
        raise InvalidOrderSessionId()
    match = _COMPACT.fullmatch(token)
    if match is None:
        raise InvalidOrderSessionId()
    kid, app = _header_of(match.group(1))
    if app != app_id:
        raise OrderSessionNotFound()
    return kid


@lru_cache(maxsize=1024)
def _header_of(segment: str) -> tuple[KeyId, str]:
    """The key id and the app a protected header names.

    Every token of one app and key version carries the same header, so the answer is kept
    (a few hundred bytes each, at most 1024 of them); a header that is refused raises, and
    refusals are not kept.
    """
    try:
        header = orjson.loads(urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (binascii.Error, ValueError):  # bad base64url, bad UTF-8, bad JSON
        raise InvalidOrderSessionId() from None
    if (
        not isinstance(header, dict)
        or header.keys() != HEADER_MEMBERS
        or header["alg"] != "dir"
        or header["enc"] != "A256GCM"
        or header["typ"] != TYP
        or not isinstance(header["kid"], str)
        or not isinstance(header["app"], str)
    ):
        raise InvalidOrderSessionId()
    kid = _KID.fullmatch(header["kid"])
    if kid is None:
        raise InvalidOrderSessionId()
    return KeyId(kid.group(1), int(kid.group(2))), header["app"]


def decrypt_token(token: str, *, app_id: str, key_for: KeyLookup) -> Opened:
    """The cheap checks, then decryption with the key ``key_for`` gives for the token's kid."""
    kid = read_header(token, app_id=app_id)
    key = key_for(kid)
    if key is None:
        raise OrderSessionNotFound()
    claims = _decrypt(token, key)
    if not _claims_are_ours(claims, app_id):
        raise OrderSessionNotFound()
    return Opened(kid, claims)


def check_times(claims: dict[str, Any], now: datetime) -> None:
    """Expiry and not-before, with leeway, against our clock (never the caller's)."""
    moment = now.timestamp()
    if moment > claims["exp"] + LEEWAY_SECONDS:
        raise OrderSessionExpired()
    if moment < claims["nbf"] - LEEWAY_SECONDS:
        raise OrderSessionNotYetValid()


def _decrypt(token: str, key: JWK) -> Any:
    jwe = JWE(algs=PINNED_ALGS)
    try:
        jwe.deserialize(token, key)
        return orjson.loads(jwe.plaintext)
    except Exception:  # noqa: BLE001 - any failure to authenticate is the same "not found"
        raise OrderSessionNotFound() from None


def _claims_are_ours(claims: Any, app_id: str) -> bool:
    return (
        isinstance(claims, dict)
        and claims.get("v") == PAYLOAD_VERSION
        and claims.get("app") == app_id
        and isinstance(claims.get("sid"), str)
        and all(type(claims.get(name)) is int for name in ("iat", "nbf", "exp"))
        and isinstance(claims.get("data"), dict)
    )
