"""Query strings as the official client builds them (contract section 2).

Arrays arrive as repeated keys (``orderStatuses=ACTIVE&orderStatuses=PAUSED``); a request that
holds a nested object (in practice ``sorting``) arrives instead as one parameter
``.r=<base64url(JSON)>`` without padding. Both become the same dict, which a serializer then
validates. Dotted keys (``sorting.fieldName=endDate``) are accepted too.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Collection
from typing import Any

from django.http import QueryDict

from config.errors import FieldError

COMPLEX_PARAM = ".r"


def query_params(query: QueryDict, *, list_keys: Collection[str]) -> dict[str, Any]:
    """The request object behind a query string, in either of the client's encodings."""
    if COMPLEX_PARAM in query:
        return decode_complex(query.get(COMPLEX_PARAM, ""))
    params: dict[str, Any] = {}
    for key in query:
        value: Any = query.getlist(key) if key in list_keys else query.get(key)
        target = params
        *parents, leaf = key.split(".")
        for part in parents:
            if not isinstance(target.get(part), dict):
                target[part] = {}
            target = target[part]
        target[leaf] = value
    return params


def decode_complex(encoded: str) -> dict[str, Any]:
    """Decode ``.r``: re-pad, base64url-decode, parse JSON; it must hold an object."""
    padded = encoded + "=" * (-len(encoded) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded.encode("ascii"))
        value = json.loads(raw)
    except (ValueError, binascii.Error, UnicodeError, RecursionError) as exc:
        raise FieldError(COMPLEX_PARAM, "must be base64url-encoded JSON.") from exc
    if not isinstance(value, dict):
        raise FieldError(COMPLEX_PARAM, "must encode a JSON object.")
    return value


def order_id_of(value: str) -> uuid.UUID:
    """The order id in the path: it is authoritative over any copy in the query or body."""
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError) as exc:
        raise FieldError("id", "must be a GUID.") from exc
