"""Identifiers and free text: what can be stored and shown without surprises.

PostgreSQL refuses NUL in text and UTF-8 cannot encode a lone surrogate (JSON allows
``"\\ud800"``), so both would otherwise fail deep in the database driver. Control and
format characters (newlines, bidi overrides) are refused because these strings are shown in
one line to a buyer, where an override could disguise the text.
"""

from __future__ import annotations

import re
import unicodedata

# The spec's pattern ^[0-9A-Za-z-_\.]+$ with maxLength 128. fullmatch, never match: ``$``
# accepts a trailing newline.
ID_PATTERN = re.compile(r"[0-9A-Za-z_.\-]{1,128}")
ID_RULE = "must be 1 to 128 characters of A-Z, a-z, 0-9, '-', '_' and '.'"

_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


def is_valid_id(value: object) -> bool:
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def text_problem(value: str, *, max_length: int, required: bool = True) -> str | None:
    """Why ``value`` cannot be stored as a one-line text, or None."""
    if required and not value.strip():
        return "must not be empty"
    if len(value) > max_length:
        return f"must be at most {max_length} characters"
    if not value.isprintable() and any(
        unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in value
    ):
        return "must not contain control, format or unpaired surrogate characters"
    return None
