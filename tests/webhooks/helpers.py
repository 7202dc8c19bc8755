"""Reading what a receiver got: Wix JWTs verified with jwcrypto against the served keys."""

from __future__ import annotations

import base64
import json
from typing import Any

from jwcrypto.jwk import JWKSet
from jwcrypto.jwt import JWT

from webhooks.services.keys import jwks


def wix_payload(body: bytes | str) -> dict[str, Any]:
    """The claims of a Wix-format delivery, verified, with its nested strings parsed."""
    token = JWT(
        jwt=body.decode() if isinstance(body, bytes) else body,
        key=JWKSet.from_json(json.dumps(jwks())),
    )
    claims = json.loads(token.claims)
    envelope = json.loads(claims["data"])
    envelope["data"] = json.loads(envelope["data"])
    if "identity" in envelope:
        envelope["identity"] = json.loads(envelope["identity"])
    return {"claims": claims, "header": json.loads(token.header), **envelope}


def unverified_event(body: bytes) -> dict[str, Any]:
    """The domain event of a Wix delivery, read without the database (receiver threads)."""
    claims = json.loads(base64.urlsafe_b64decode(body.split(b".")[1] + b"=="))
    return json.loads(json.loads(claims["data"])["data"])


def received(receiver) -> list[tuple[str, str, int]]:
    """``(eventType, orderId, sequence)`` of every Wix delivery, in arrival order."""
    out = []
    for hit in receiver.hits:
        payload = wix_payload(hit.body)
        event = payload["data"]
        out.append((payload["eventType"], event["entityId"], int(event["entityEventSequence"])))
    return out
