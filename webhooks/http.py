"""The one HTTP client of the relay: urllib3 pools, timeouts, no redirects, no retries.

It connects to the address the SSRF guard checked (``Target.ip``) while presenting the URL's
host name for TLS (SNI and certificate check) and in ``Host``. Certificates are checked
against the system's CAs and those of ``TALLY_WEBHOOK_CA_BUNDLE`` (a private CA). It reads
at most the first 2 KB of an answer; a longer body closes the connection instead of being
drained.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

from webhooks.services.addresses import Target

EXCERPT_BYTES = 2048


@dataclass(frozen=True)
class Answer:
    status: int | None = None
    excerpt: str = ""
    retry_after: str | None = None
    error: str = ""


class Poster:
    """Thread-safe (urllib3's pool manager is made to be shared): one per relay."""

    def __init__(self, *, timeout: float, per_host: int, ca_bundle: str = "") -> None:
        self.timeout = urllib3.Timeout(total=timeout)
        self.http = urllib3.PoolManager(num_pools=200, maxsize=per_host, retries=False)
        self.tls = tls_context(ca_bundle)

    def post(self, target: Target, body: bytes, headers: dict[str, str]) -> Answer:
        pool_kwargs = {}
        if target.scheme == "https":
            # OpenSSL checks the certificate against the name, not the address dialled.
            pool_kwargs = {"server_hostname": target.host, "ssl_context": self.tls}
        pool = self.http.connection_from_host(
            target.ip, target.port, target.scheme, pool_kwargs=pool_kwargs
        )
        default_port = 443 if target.scheme == "https" else 80
        host = target.host if target.port == default_port else f"{target.host}:{target.port}"
        try:
            response = pool.urlopen(
                "POST",
                target.path,
                body=body,
                headers={**headers, "Host": host},
                retries=False,
                redirect=False,
                timeout=self.timeout,
                preload_content=False,
            )
        except NewConnectionError:  # before its base class, ConnectTimeoutError
            return Answer(error="connection refused")
        except (ConnectTimeoutError, ReadTimeoutError):
            return Answer(error="timed out")
        except SSLError as exc:
            return Answer(error=f"TLS error: {exc}")
        except (ProtocolError, HTTPError, OSError) as exc:
            return Answer(error=f"connection failed: {type(exc).__name__}")
        return self.read(response)

    @staticmethod
    def read(response) -> Answer:
        try:
            excerpt = response.read(EXCERPT_BYTES)
            complete = response.length_remaining in (0, None) and not response.read(1)
        except (ReadTimeoutError, ProtocolError, HTTPError, OSError):
            excerpt, complete = b"", False
        if complete:
            response.release_conn()
        else:
            response.close()  # not worth draining: a fresh connection next time
            response.release_conn()
        error = ""
        if 300 <= response.status < 400:
            error = f"redirect to {storable(response.headers.get('Location', '?'))} not followed"
        retry_after = response.headers.get("Retry-After")
        return Answer(
            status=response.status,
            excerpt=storable(excerpt.decode("utf-8", errors="replace")),
            retry_after=storable(retry_after) if retry_after is not None else None,
            error=error,
        )


def storable(text: str) -> str:
    """A receiver's text as the attempt log can keep it: PostgreSQL text holds no NUL, and one
    refused value would keep the whole round's answers from being recorded."""
    return text.replace("\x00", "\ufffd")


def tls_context(ca_bundle: str = "") -> ssl.SSLContext:
    """Verify certificates and host names: the system's CAs, plus those of ``ca_bundle``.
    Made once per relay and only read afterwards, as urllib3 shares it between connections."""
    context = ssl.create_default_context()
    if ca_bundle:
        context.load_verify_locations(cafile=ca_bundle)
    return context
