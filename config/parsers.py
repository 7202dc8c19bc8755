"""The one JSON body parser of every API (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``).

DRF's ``JSONParser`` turns malformed JSON into a ``ParseError`` (400), but three inputs that
are well-formed JSON still reached the views and answered 500:

- nesting deeper than the interpreter's recursion limit (``[[[[...]]]]`` about a thousand
  levels deep) makes the standard library raise ``RecursionError``, which is no ``ValueError``;
- ``"\\u0000"``: PostgreSQL text cannot hold U+0000, so the first query that carries it fails;
- ``"\\ud800"`` (an unpaired surrogate): no database driver can encode it as UTF-8.

Each is refused here, once, as a 400 that every API renders in its own envelope
(``INVALID_JSON``), before any view or serializer sees the body.
"""

from __future__ import annotations

import io
from typing import Any

from rest_framework import exceptions
from rest_framework.parsers import JSONParser

# In UTF-8 both characters can only arrive as a ``\u`` escape (raw control characters and
# surrogates are not valid JSON text there), so a body with neither the escape nor a NUL byte
# (which any UTF-16 or UTF-32 body holds) needs no further look.
_ESCAPE = b"\\u"


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, refusing what parses but no database can take."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read()
        try:
            data = super().parse(io.BytesIO(raw), media_type, parser_context)
        except (RecursionError, LookupError) as exc:
            raise exceptions.ParseError(f"JSON parse error - {type(exc).__name__}") from None
        if (_ESCAPE in raw or b"\x00" in raw) and not _storable(data):
            raise exceptions.ParseError(
                "JSON parse error - strings may not hold U+0000 or unpaired surrogates."
            )
        return data


def _storable(value: Any) -> bool:
    """Whether every string in ``value`` (keys included) can be stored as text, iteratively so
    a deep document cannot exhaust the stack here either."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item or not _encodes(item):
                return False
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return True


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
