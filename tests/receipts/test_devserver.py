"""The development and test servers keep ``client_id`` and ``client_secret`` and still drop
every other header name with an underscore. Django's server module is not a documented API:
these tests fail if a Django release changes what the subclasses rely on."""

from __future__ import annotations

import threading
import urllib.request

import pytest
from django.core.servers.basehttp import WSGIRequestHandler

from receipts.devserver import DevServer, ThreadedDevServer


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(params=[DevServer, ThreadedDevServer])
def echo(request):
    """A server of that class answering the request's HTTP_* environ keys, one per line."""

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        keys = sorted(f"{k}={v}" for k, v in environ.items() if k.startswith("HTTP_"))
        return ["\n".join(keys).encode()]

    server = request.param(("127.0.0.1", 0), Quiet)
    server.set_app(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def environ_of(url: str, headers: dict[str, str]) -> set[str]:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
        return set(r.read().decode().splitlines())


def test_credential_headers_are_kept(echo):
    seen = environ_of(echo, {"client_id": "abc", "client_secret": "s3"})
    assert {"HTTP_CLIENT_ID=abc", "HTTP_CLIENT_SECRET=s3"} <= seen


def test_other_underscore_headers_are_still_dropped(echo):
    seen = environ_of(echo, {"X_Forwarded_For": "10.0.0.1", "client_id": "abc"})
    assert not any(k.startswith("HTTP_X_FORWARDED_FOR") for k in seen)


def test_dashed_twin_is_joined_so_it_matches_nothing(echo):
    seen = environ_of(echo, {"client_id": "abc", "client-id": "xyz"})
    assert "HTTP_CLIENT_ID=xyz,abc" in seen or "HTTP_CLIENT_ID=abc,xyz" in seen
