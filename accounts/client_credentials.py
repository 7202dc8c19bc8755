"""Client credentials and short-lived access tokens: the authentication step of the Vipps
Order Management documents (``POST /accessToken/get``), for apps.

An app's ``client_id`` is its app id; its client secrets are random strings stored as SHA-256
digests and shown once. An access token is a JWT (HS256, a key derived from SECRET_KEY) that
lives one hour::

    {"iss": "tally", "aud": "tally-api", "sub": "<app id>", "sid": <client secret row id>,
     "scp": ["RECEIPTS.MANAGE", ...], "iat": 1764900000, "nbf": 1764900000,
     "exp": 1764903600, "jti": "<random>"}

The signature proves Tally made the token; whether it still counts is read from the database
on every request (its secret not revoked, its app active), so a revocation or a disabled app
ends it on the very next request in every process. Times come from ``config.clock`` so tests
can move them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.crypto import salted_hmac
from jwcrypto import jwk, jws, jwt
from jwcrypto.common import JWException, base64url_encode

from accounts.caller import Caller
from accounts.models import App, ClientSecret
from config import clock
from config.errors import DomainError, NotFoundError

CLIENT_SECRET_PREFIX = "tly_cs_"
ACCESS_TOKEN_LIFETIME = timedelta(hours=1)
ACCESS_TOKEN_ISSUER = "tally"
ACCESS_TOKEN_RESOURCE = "tally-api"
_KEY_SALT = "tally.accounts.client_credentials.access-token"
_ALGORITHM = "HS256"


class ClientCredentialsInvalid(DomainError):
    """Wrong, unknown, revoked or missing client credentials. The message never says which,
    so a caller cannot learn whether a client id exists."""

    status = 401
    code = "INVALID_CLIENT"
    message = "The client credentials are not valid."


class AccessTokenInvalid(DomainError):
    status = 401
    code = "INVALID_TOKEN"
    message = "The access token is not valid."


class AccessTokenExpired(AccessTokenInvalid):
    code = "TOKEN_EXPIRED"
    message = "The access token has expired; get a new one from /accessToken/get."


@dataclass(frozen=True)
class AccessToken:
    token: str
    app: App
    scopes: tuple[str, ...]
    not_before: datetime
    expires_on: datetime


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def app_find(name_or_id: str) -> App:
    """The app with this app id (client id) or name, for commands."""
    value = (name_or_id or "").strip()
    app_id = _as_uuid(value)
    app = App.objects.filter(app_def_id=app_id).first() if app_id else None
    app = app or App.objects.filter(name=value).first()
    if app is None:
        raise NotFoundError(f"No app has the id or name '{value}'.", code="APP_NOT_FOUND")
    return app


def client_secret_issue(*, app: App) -> str:
    """A new client secret for the app, returned once. The app's other secrets stay valid, so
    a merchant can switch to the new one before revoking the old."""
    raw = CLIENT_SECRET_PREFIX + secrets.token_urlsafe(32)
    prefix = raw[: len(CLIENT_SECRET_PREFIX) + 4]
    ClientSecret.objects.create(app=app, digest=_digest(raw), prefix=prefix, created=clock.now())
    return raw


def client_secrets_revoke(*, app: App) -> int:
    """Revoke every live client secret of the app: the access tokens issued with them stop
    working on the next request. Returns how many were revoked."""
    live = ClientSecret.objects.filter(app=app, revoked_at__isnull=True)
    return live.update(revoked_at=clock.now())


def access_token_issue(*, client_id: str, client_secret: str) -> AccessToken:
    """A one-hour access token for the app whose id is ``client_id``, if ``client_secret`` is
    one of its live secrets and the app is active."""
    app_id = _as_uuid(client_id)
    if app_id is None or not client_secret.startswith(CLIENT_SECRET_PREFIX):
        raise ClientCredentialsInvalid()
    secret = (
        ClientSecret.objects.select_related("app")
        .filter(digest=_digest(client_secret), revoked_at__isnull=True)
        .first()
    )
    if secret is None or secret.app.app_def_id != app_id or not secret.app.is_active:
        raise ClientCredentialsInvalid()
    return _signed(secret)


def access_token_caller(raw: str) -> Caller:
    """The caller an access token stands for. Its scopes are those it was issued with that
    the app still holds: a scope taken from the app is gone from its tokens at once."""
    claims = _verified_claims(raw)
    now = clock.now().timestamp()
    if not claims["nbf"] <= now:
        raise AccessTokenInvalid()
    if now >= claims["exp"]:
        raise AccessTokenExpired()
    secret = (
        ClientSecret.objects.select_related("app")
        .filter(pk=claims["sid"], revoked_at__isnull=True, app__is_active=True)
        .first()
    )
    if secret is None or str(secret.app.app_def_id) != claims["sub"]:
        raise AccessTokenInvalid("The access token was revoked, or its app is disabled.")
    app = secret.app
    return Caller(app=app, scopes=frozenset(claims["scp"]) & frozenset(app.scopes))


def looks_like_access_token(raw: str) -> bool:
    """App and member tokens never contain a dot; a JWT is three base64url parts."""
    return raw.startswith("eyJ") and raw.count(".") == 2


def _signed(secret: ClientSecret) -> AccessToken:
    now = clock.now().replace(microsecond=0)
    expires = now + ACCESS_TOKEN_LIFETIME
    scopes = tuple(secret.app.scopes)
    claims = {
        "iss": ACCESS_TOKEN_ISSUER,
        "aud": ACCESS_TOKEN_RESOURCE,
        "sub": str(secret.app.app_def_id),
        "sid": secret.pk,
        "scp": list(scopes),
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "jti": uuid.uuid4().hex,
    }
    token = jwt.JWT(header={"alg": _ALGORITHM, "typ": "JWT"}, claims=claims)
    token.make_signed_token(_keys()[0])
    return AccessToken(token.serialize(), secret.app, scopes, now, expires)


def _verified_claims(raw: str) -> dict:
    for key in _keys():
        try:
            token = jwt.JWT(
                jwt=raw, key=key, algs=[_ALGORITHM], check_claims=False, strict_serialization=True
            )
        except jws.InvalidJWSSignature:
            continue  # maybe signed with a key from SECRET_KEY_FALLBACKS
        except (JWException, ValueError, TypeError):
            raise AccessTokenInvalid() from None
        return _claims_of(token)
    raise AccessTokenInvalid()


def _claims_of(token: jwt.JWT) -> dict:
    try:
        claims = json.loads(token.claims)
    except ValueError:
        raise AccessTokenInvalid() from None
    valid = (
        isinstance(claims, dict)
        and claims.get("iss") == ACCESS_TOKEN_ISSUER
        and claims.get("aud") == ACCESS_TOKEN_RESOURCE
        and type(claims.get("sid")) is int
        and isinstance(claims.get("sub"), str)
        and isinstance(claims.get("scp"), list)
        and all(isinstance(scope, str) for scope in claims["scp"])
        and all(type(claims.get(name)) is int for name in ("nbf", "exp"))
    )
    if not valid:
        raise AccessTokenInvalid()
    return claims


def _keys() -> list[jwk.JWK]:
    """The signing key first, then one per SECRET_KEY_FALLBACKS (tokens signed before a key
    rotation stay valid until they expire)."""
    return [
        jwk.JWK(kty="oct", k=_b64(salted_hmac(_KEY_SALT, "v1", secret=s, algorithm="sha256")))
        for s in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    ]


def _b64(mac: hmac.HMAC) -> str:
    return base64url_encode(mac.digest())


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return None
