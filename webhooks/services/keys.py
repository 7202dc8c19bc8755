"""Tally's webhook signing keys (RSA, RS256) and the site's instance id.

The private key lives in the database, so every process on every host signs with the same
key; it is made on first use (two first uses at once: one insert wins, the other reads it),
never shown, logged or sent. ``rotate_webhook_key`` makes a new key current; the old one stays
in the JWKS (``/.well-known/jwks.json``) for 7 days so receivers can verify what it signed.

Loading a PEM costs about as much as a signature, so each process keeps the loaded key per
``kid`` (a loaded key never changes); which ``kid`` signs is read from the database for each
batch, so a retired key stops signing at once in every process.
"""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from jwcrypto.jwk import JWK

from config import clock
from webhooks.models import Installation, SigningKey

KEY_BITS = 2048
JWKS_OVERLAP = timedelta(days=7)

_loaded: dict[str, JWK] = {}
_loaded_lock = threading.Lock()


def _new_key() -> SigningKey:
    key = JWK.generate(kty="RSA", size=KEY_BITS)
    kid = f"tally-{clock.now():%Y%m%d}-{uuid.uuid4().hex[:8]}"
    public = {**key.export_public(as_dict=True), "kid": kid, "use": "sig", "alg": "RS256"}
    return SigningKey(
        kid=kid,
        private_pem=key.export_to_pem(private_key=True, password=None).decode(),
        public_jwk=public,
        is_current=True,
        created_date=clock.now(),
    )


def signing_key_current() -> SigningKey:
    """The key that signs now, made on first use."""
    key = SigningKey.objects.filter(is_current=True).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            key = _new_key()
            key.save(force_insert=True)
            return key
    except IntegrityError:  # another process made it first
        return SigningKey.objects.get(is_current=True)


def current_kid() -> str:
    """The ``kid`` that signs now (one indexed read; made on first use)."""
    kid = SigningKey.objects.filter(is_current=True).values_list("kid", flat=True).first()
    return kid or signing_key_current().kid


@transaction.atomic
def signing_key_rotate() -> SigningKey:
    """A new current key; the old one is retired and leaves the JWKS after 7 days."""
    signing_key_current()
    SigningKey.objects.select_for_update().filter(is_current=True).update(
        is_current=False, retired_date=clock.now()
    )
    key = _new_key()
    key.save(force_insert=True)
    return key


def signing_keys_published() -> list[SigningKey]:
    """The current key and those retired less than 7 days ago."""
    signing_key_current()
    since = clock.now() - JWKS_OVERLAP
    return list(
        SigningKey.objects.filter(is_current=True)
        | SigningKey.objects.filter(retired_date__gt=since)
    )


def jwks() -> dict[str, Any]:
    return {"keys": [key.public_jwk for key in signing_keys_published()]}


def public_pem(key: SigningKey) -> str:
    return JWK(**key.public_jwk).export_to_pem().decode()


def signing_keys_drop_expired() -> int:
    """Delete keys retired more than 7 days ago (they are out of the JWKS already)."""
    since = clock.now() - JWKS_OVERLAP
    return SigningKey.objects.filter(is_current=False, retired_date__lte=since).delete()[0]


def loaded_key(kid: str) -> JWK:
    """The private key ``kid`` loaded once per process, ready to sign from any thread."""
    key = _loaded.get(kid)
    if key is not None:
        return key
    with _loaded_lock:
        if kid not in _loaded:
            pem = SigningKey.objects.values_list("private_pem", flat=True).get(kid=kid)
            key = JWK.from_pem(pem.encode())
            key.get_op_key("sign")  # loads the key object now, so sharing it reads only
            _loaded[kid] = key
        return _loaded[kid]


def instance_id() -> str:
    """The site's instance id, a GUID fixed per installation (made on first use)."""
    found = Installation.objects.filter(pk=1).values_list("instance_id", flat=True).first()
    if found is not None:
        return str(found)
    try:
        with transaction.atomic():
            row = Installation.objects.create(pk=1, created_date=clock.now())
    except IntegrityError:  # another process made it first
        row = Installation.objects.get(pk=1)
    return str(row.instance_id)
