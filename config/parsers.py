"""The one JSON body parser of every API (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``).

DRF's ``JSONParser`` turns malformed JSON into a ``ParseError`` (400), but a body nested
deeper than the interpreter's recursion limit (``[[[[...]]]]`` about a thousand levels deep)
makes the standard library raise ``RecursionError``, which is no ``ValueError``, and that
answered 500. Here it is a 400 that every API renders in its own envelope (``INVALID_JSON``),
before any view or serializer sees the body.

Strings need nothing here: every string a view uses passes a DRF ``CharField``, whose
validators refuse U+0000 and unpaired surrogates (which no database can store) naming the
field.
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, with nesting too deep to parse a 400 like any malformed JSON."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except (RecursionError, LookupError) as exc:
            raise exceptions.ParseError(f"JSON parse error - {type(exc).__name__}") from None
