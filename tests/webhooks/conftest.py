"""Webhook tests: real local receivers (an ``http.server`` thread), real signing, the relay.

``receiver`` answers what a test scripts (``receiver.script(lambda hit: Reply(500))``) and keeps
every request it got. The relay posts to it over real HTTP: the private-address guard is off
here, as in ``make run``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from accounts.actors import Actor
from accounts.scopes import READ_ORDERS, WEBHOOKS_MANAGE
from orders.services.checkout import order_create_offline
from webhooks.relay import Relay
from webhooks.services.endpoints import webhook_endpoint_create


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    gate: threading.Event | None = None  # answer only once it is set


class Receiver:
    """A local HTTP receiver. ``hits`` holds every request, in arrival order."""

    def __init__(self, port: int = 0) -> None:
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.answer: Callable[[Hit], Reply] = lambda hit: Reply()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                hit = Hit(
                    self.path, dict(self.headers.items()), self.rfile.read(length), time.time()
                )
                with receiver.lock:
                    receiver.hits.append(hit)
                    reply = receiver.answer(hit)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.gate is not None:
                    reply.gate.wait(60)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        # A short poll: ``shutdown`` waits for the serving loop to look, once per test.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def script(self, answer: Callable[[Hit], Reply]) -> None:
        self.answer = answer

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def private_addresses_allowed(settings):
    settings.TALLY_WEBHOOK_ALLOW_PRIVATE = True
    settings.TALLY_WEBHOOK_TIMEOUT_SECONDS = 2.0


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def hook_app(app_factory):
    """An app that may manage webhooks and read orders: ``(app, token)``."""
    return app_factory(scopes=[READ_ORDERS, WEBHOOKS_MANAGE])


@pytest.fixture
def endpoint_factory(hook_app):
    def make(url: str, *, app=None, **fields):
        endpoint, _ = webhook_endpoint_create(app=app or hook_app[0], url=url, **fields)
        return endpoint

    return make


@pytest.fixture
def relay():
    """A relay as a worker runs it, without LISTEN (the tests drive its rounds)."""
    r = Relay(listen=False)
    yield r
    r.pool.shutdown(wait=True)


@pytest.fixture
def order_factory(member, owner, monthly_plan):
    """An active offline order made by the owner (events: created, purchased, started...)."""

    def make(buyer=None):
        return order_create_offline(
            plan=monthly_plan, buyer=buyer or member, actor=Actor.owner(owner), paid=True
        )

    return make


@pytest.fixture
def monthly_plan(plan_factory):
    return plan_factory(name="Monthly", price="10.00", cycle_count=12)
