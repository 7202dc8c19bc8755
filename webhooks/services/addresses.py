"""Where a webhook may be sent: ``https`` to a public address (SSRF guard).

A receiver URL must not point the server at itself or its network: a host that is, or
resolves to, a loopback, private, link-local, multicast, reserved or unspecified address is
refused, at creation and again at every delivery (DNS can change). The relay then connects to
the very address checked here, so a second DNS answer cannot swap it.
``TALLY_WEBHOOK_ALLOW_PRIVATE=1`` (development and tests) allows ``http`` and any address.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

MAX_URL = 2048


class AddressRefused(Exception):
    """The URL may not receive webhooks; the message says why (shown to the caller)."""


@dataclass(frozen=True)
class Target:
    """A checked URL: connect to ``ip`` and present ``host`` (TLS name and Host header)."""

    scheme: str
    host: str
    port: int
    path: str
    ip: str


def allow_private() -> bool:
    return bool(settings.TALLY_WEBHOOK_ALLOW_PRIVATE)


def url_check(url: str) -> tuple[str, str, int, str]:
    """``(scheme, host, port, path)`` of a well-formed receiver URL, or AddressRefused."""
    if len(url) > MAX_URL:
        raise AddressRefused(f"must be at most {MAX_URL} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise AddressRefused("is not a valid URL.") from exc
    schemes = ("https", "http") if allow_private() else ("https",)
    if parts.scheme not in schemes:
        raise AddressRefused("must be an https:// URL.")
    if not parts.hostname:
        raise AddressRefused("must name a host.")
    if parts.username or parts.password:
        raise AddressRefused("must not hold a user name or password.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def public_ip(host: str, port: int) -> str:
    """An address of ``host`` that may receive webhooks; every address it resolves to must."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise AddressRefused(f"host '{host}' does not resolve.") from exc
    addresses = [str(info[4][0]) for info in infos]  # an IP address string for INET families
    if not allow_private():
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
                ip = ip.ipv4_mapped
            if not ip.is_global or ip.is_multicast:
                raise AddressRefused(f"host '{host}' is a private or local address ({ip}).")
    return addresses[0]


def target_of(url: str) -> Target:
    """The checked target of ``url`` (creation, and each delivery)."""
    scheme, host, port, path = url_check(url)
    return Target(scheme, host, port, path, public_ip(host, port))
