"""The two wire formats of a delivery, signed anew at each attempt.

Wix (contract section 2): ``Content-Type: text/plain``, the body a compact JWS (RS256, header
``{"alg": "RS256", "kid": ..., "typ": "JWT"}``) whose claims are::

    {"data": "{\\"eventType\\": ..., \\"instanceId\\": ..., \\"identity\\": \\"{...}\\",
               \\"data\\": \\"{<domain event>}\\"}",
     "iat": 1767268800, "exp": 1767269400, "iss": "<TALLY_PUBLIC_URL>", "aud": "<appDefId>"}

(``data``, and ``identity`` and ``data`` inside it, are JSON *strings*, as ``@wix/sdk`` parses
them.) Standard Webhooks (section 3): a JSON body ``{"type", "timestamp", "data"}`` and the
headers ``webhook-id`` (the event id), ``webhook-timestamp`` and ``webhook-signature``
(``v1,<base64 HMAC-SHA256>``; two, space-separated, while a rotated secret overlaps).

``iat``, ``exp`` and ``webhook-timestamp`` are the real time of the attempt, even under the
test clock: they tell a receiver how fresh a request is, and receivers compare them with
their own clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import orjson
from jwcrypto.jwk import JWK
from jwcrypto.jws import JWS

JWT_LIFETIME = 600
USER_AGENT = "Tally-Webhooks/1"


@dataclass(frozen=True)
class WixSigner:
    """What every Wix-format delivery of one batch shares."""

    key: JWK
    kid: str
    issuer: str
    instance_id: str

    def header(self) -> str:
        return orjson.dumps({"alg": "RS256", "kid": self.kid, "typ": "JWT"}).decode()


def wix_claims(
    *,
    event: dict[str, Any],
    event_type: str,
    instance_id: str,
    identity: dict[str, Any] | None,
    issuer: str,
    audience: str,
    now: int,
) -> dict[str, Any]:
    envelope: dict[str, Any] = {"eventType": event_type, "instanceId": instance_id}
    if identity is not None:
        envelope["identity"] = orjson.dumps(identity).decode()
    envelope["data"] = orjson.dumps(event).decode()
    return {
        "data": orjson.dumps(envelope).decode(),
        "iat": now,
        "exp": now + JWT_LIFETIME,
        "iss": issuer,
        "aud": audience,
    }


def sign_jws(claims: dict[str, Any], *, key: JWK, header: str) -> str:
    token = JWS(orjson.dumps(claims))
    token.add_signature(key, alg="RS256", protected=header)
    return token.serialize(compact=True)


def wix_request(
    signer: WixSigner,
    *,
    event: dict[str, Any],
    event_type: str,
    identity: dict[str, Any] | None,
    audience: str,
    now: int,
) -> tuple[bytes, dict[str, str]]:
    claims = wix_claims(
        event=event,
        event_type=event_type,
        instance_id=signer.instance_id,
        identity=identity,
        issuer=signer.issuer,
        audience=audience,
        now=now,
    )
    body = sign_jws(claims, key=signer.key, header=signer.header()).encode()
    return body, {"Content-Type": "text/plain", "User-Agent": USER_AGENT}


def secret_bytes(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def standard_signature(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def standard_request(
    *, event: dict[str, Any], event_type: str, secrets: list[str], now: int
) -> tuple[bytes, dict[str, str]]:
    body = orjson.dumps({"type": event_type, "timestamp": event["eventTime"], "data": event})
    msg_id = str(event["id"])
    signatures = [standard_signature(s, msg_id=msg_id, timestamp=now, body=body) for s in secrets]
    return body, {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(now),
        "webhook-signature": " ".join(signatures),
    }
