"""The link rule for ``orderDetailsUrl`` and ``productUrl``.

The draft says "secure, absolute and valid url or app-native url" (example
``ruter:///min/bilett``). Our reading:

* a web link is ``https://`` with a host, no user name or password (``https://shop.no@evil.example``
  reads as shop.no to a person and goes to evil.example), valid for Django's URLValidator;
* an app-native link is ``scheme:rest`` where the scheme (RFC 3986 syntax) is none of the
  schemes a browser or an OS gives a meaning of its own (``http``, ``javascript``, ``data`` ...)
  and the rest is not empty;
* at most 2048 characters, and no whitespace or control characters anywhere: browsers strip
  or drop those before reading the scheme (``java\\tscript:``), so refusing them means the
  scheme we check is the scheme a browser sees.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

MAX_LINK_LENGTH = 2048

# Schemes that are not "the merchant's app": web and file transports, script and inline
# content, browser internals. Compared in lower case.
REFUSED_SCHEMES = frozenset(
    {
        "http",
        "ftp",
        "ftps",
        "ws",
        "wss",
        "javascript",
        "vbscript",
        "livescript",
        "data",
        "file",
        "blob",
        "about",
        "filesystem",
        "view-source",
        "jar",
        "chrome",
        "chrome-extension",
        "resource",
        "intent",
    }
)

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):(.+)", re.DOTALL)
_https_validator = URLValidator(schemes=["https"])


def link_problem(value: str) -> str | None:
    """Why ``value`` is not an acceptable link, or None when it is."""
    if not value:
        return "must not be empty"
    if len(value) > MAX_LINK_LENGTH:
        return f"must be at most {MAX_LINK_LENGTH} characters"
    if _has_blank_or_control(value):
        return "must not contain whitespace or control characters"
    match = _SCHEME.fullmatch(value)
    if match is None:
        return "must be an absolute https:// URL or an app link such as myapp://orders/42"
    scheme = match.group(1).lower()
    if scheme == "https":
        return _https_problem(value)
    if scheme in REFUSED_SCHEMES:
        return f"the scheme '{scheme}:' is not allowed; use https:// or an app link"
    return None


def _https_problem(value: str) -> str | None:
    try:
        _https_validator(value)
    except ValidationError:
        return "must be a valid https:// URL with a host name"
    try:
        netloc = urlsplit(value).netloc
    except ValueError:
        return "must be a valid https:// URL with a host name"
    if "@" in netloc:
        return "must not contain a user name or password"
    return None


def _has_blank_or_control(value: str) -> bool:
    if value.isprintable() and " " not in value:
        return False
    return any(ch.isspace() or unicodedata.category(ch)[0] in "CZ" for ch in value)
