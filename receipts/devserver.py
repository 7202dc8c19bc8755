"""Django's development and test servers keeping ``client_id`` and ``client_secret``.

Those servers drop every request header whose name has an underscore, so that
``X_Forwarded_For`` cannot pose as ``X-Forwarded-For`` (both become ``HTTP_X_FORWARDED_FOR``).
The Vipps documents send the credentials of ``POST /accessToken/get`` in exactly such headers.
These servers keep those two names, and only those; a dashed twin (``client-id``) sent beside
one is joined to it with a comma, as WSGI joins repeated headers, and then matches no app.
Production servers need the same two names let through: see docs/receipts.md.
"""

from __future__ import annotations

from django.core.servers.basehttp import ThreadedWSGIServer, WSGIServer

KEPT_HEADERS = frozenset({"client_id", "client_secret"})


class _KeepCredentialHeaders:
    def get_environ(self):
        kept = [(k, v) for k, v in self.headers.items() if k.lower() in KEPT_HEADERS]
        environ = super().get_environ()
        for name, value in kept:
            key = "HTTP_" + name.upper()
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        return environ


class _KeepCredentialHeadersServer:
    def __init__(self, server_address, handler_class, *args, **kwargs):
        handler = type(handler_class.__name__, (_KeepCredentialHeaders, handler_class), {})
        super().__init__(server_address, handler, *args, **kwargs)


class DevServer(_KeepCredentialHeadersServer, WSGIServer):
    """For ``runserver`` (its ``server_cls``)."""


class ThreadedDevServer(_KeepCredentialHeadersServer, ThreadedWSGIServer):
    """For the test suite's live server (``LiveServerThread.server_class``)."""
