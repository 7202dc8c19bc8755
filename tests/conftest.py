"""Fixtures every test module shares: personas, factories, the clock and an HTTP client."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from playwright.sync_api import expect

# Playwright's sync API keeps an event loop in the main thread; Django would then refuse ORM
# calls from tests. Test-only: never set in the app's settings.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.conf import settings  # noqa: E402

# Passwords are hashed with a fast hasher in tests: PBKDF2 at a million iterations costs 0.6 s
# per persona and is Django's own, already tested code. Set before any password is hashed.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

from accounts import services as accounts  # noqa: E402
from accounts.models import User  # noqa: E402
from config import clock as tally_clock  # noqa: E402
from orders import selectors  # noqa: E402

START = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fresh_process_copies():
    """The process keeps planner estimates for 30 s and throttle counts for their window;
    each test starts without another's."""
    selectors.estimates_forget()
    caches["throttle"].clear()


@pytest.fixture(autouse=True, scope="session")
def webhook_relay_closed_before_teardown(django_db_setup, django_db_blocker):
    """A test that runs the worker starts this process's webhook relay, whose LISTEN
    connection would keep PostgreSQL from dropping the test database."""
    yield
    from webhooks.relay import relay_close

    with django_db_blocker.unblock():
        relay_close()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """``migrated_sqlite(path)``: a SQLite file at ``path``, migrated, for tests that run
    ``manage.py`` processes on a database of their own. Migrated once per session by a real
    ``manage.py migrate``; each test gets a copy of that file."""
    template = tmp_path_factory.mktemp("migrated") / "template.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{template}"}
    env.setdefault("TALLY_SECRET_KEY", "test-only-key")
    migrate = [sys.executable, "manage.py", "migrate", "-v0"]
    subprocess.run(migrate, cwd=settings.BASE_DIR, env=env, check=True, timeout=300)

    def copy(path: Path) -> str:
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"

    return copy


def pytest_collection_modifyitems(config, items):
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


class Clock:
    """The pinned test clock: ``clock.now``, ``clock.set(dt)``, ``clock.advance(days=3)``."""

    def __init__(self, at: datetime) -> None:
        tally_clock.override(at)

    @property
    def now(self) -> datetime:
        return tally_clock.now()

    def set(self, at: datetime) -> datetime:
        tally_clock.override(at)
        return at

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        return tally_clock.move(delta if delta is not None else timedelta(**kwargs))


@pytest.fixture
def clock():
    c = Clock(START)
    yield c
    tally_clock.override(None)


_seq = itertools.count(1)


def make_member(username: str | None = None, **fields: Any) -> User:
    username = username or f"member{next(_seq)}"
    fields.setdefault("email", f"{username}@example.com")
    return User.objects.create_user(username=username, password="pw-12345678", **fields)


@pytest.fixture
def owner(db) -> User:
    return User.objects.create_superuser("owner", "owner@example.com", "owner-pass-123")


@pytest.fixture
def member(db) -> User:
    return make_member("alice")


@pytest.fixture
def other_member(db) -> User:
    return make_member("bob")


@pytest.fixture
def member_factory(db):
    return make_member


@pytest.fixture
def plan_factory(db):
    """``plan_factory(price="10.00", cycle_count=12, ...)``: a valid plan, monthly by default."""
    from orders.models import PeriodUnit, PricingModel
    from orders.services.catalogue import plan_upsert

    def make(**fields: Any):
        fields.setdefault("name", f"Plan {next(_seq)}")
        fields["price"] = Decimal(str(fields.get("price", "10.00")))
        fields.setdefault("currency", "EUR")
        fields.setdefault("pricing_model", PricingModel.SUBSCRIPTION)
        if fields["pricing_model"] != PricingModel.SINGLE_PAYMENT_UNLIMITED:
            fields.setdefault("duration_unit", PeriodUnit.MONTH)
        return plan_upsert(**fields)

    return make


@pytest.fixture
def app_factory(db):
    """``app, token = app_factory(scopes=[...])``."""
    from accounts.scopes import ALL_SCOPES

    def make(scopes=ALL_SCOPES, name: str | None = None):
        return accounts.app_create(name=name or f"App {next(_seq)}", scopes=scopes)

    return make


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]
    raw: bytes


class HttpClient:
    """A real HTTP client for the live server (stdlib only, so nothing is mocked)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json_body: Any = None,
        data: bytes | None = None,
        params: dict | list | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        url = self.base_url + path
        if params:
            url += ("&" if "?" in url else "?") + urlencode(params, doseq=True)
        hdrs = dict(headers or {})
        if token is not None:
            hdrs["Authorization"] = f"Bearer {token}"
        if json_body is not None:
            data = json.dumps(json_body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        return self.send(method, url, data, hdrs)

    def send(self, method: str, url: str, data: bytes | None, headers: dict[str, str]) -> Reply:
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return self._reply(resp.status, resp.read(), resp.headers)
        except urllib.error.HTTPError as err:
            return self._reply(err.code, err.read(), err.headers)

    @staticmethod
    def _reply(status: int, raw: bytes, headers) -> Reply:
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        return Reply(status, body, {k.lower(): v for k, v in headers.items()}, raw)

    def get(self, path: str, **kw) -> Reply:
        return self.request("GET", path, **kw)

    def post(self, path: str, json_body: Any = None, **kw) -> Reply:
        return self.request("POST", path, json_body=json_body, **kw)

    def put(self, path: str, json_body: Any = None, **kw) -> Reply:
        return self.request("PUT", path, json_body=json_body, **kw)

    def patch(self, path: str, json_body: Any = None, **kw) -> Reply:
        return self.request("PATCH", path, json_body=json_body, **kw)


class InProcessClient(HttpClient):
    """The same requests as ``HttpClient``, answered by the full Django stack (every middleware,
    CSRF checks on) in this thread, inside the test's transaction: for tests whose subject is
    what the site answers, not the HTTP server. Like ``urllib``, it keeps no cookies."""

    def __init__(self) -> None:
        super().__init__("")

    def send(self, method: str, url: str, data: bytes | None, headers: dict[str, str]) -> Reply:
        headers = dict(headers)
        content_type = next(
            (headers.pop(k) for k in list(headers) if k.lower() == "content-type"),
            "application/x-www-form-urlencoded",  # what urllib sends with a body
        )
        client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        response = client.generic(
            method, url, data or b"", content_type=content_type, headers=headers
        )
        raw = b"".join(response) if response.streaming else response.content
        fields = dict(response.items())
        if response.cookies:
            fields["Set-Cookie"] = response.cookies.output(header="").strip()
        return self._reply(response.status_code, raw, fields)


@pytest.fixture
def api(db) -> HttpClient:
    """The API in this process, for tests of what it answers (the common case)."""
    return InProcessClient()


@pytest.fixture
def http_api(live_server) -> HttpClient:
    """The API over real HTTP, for tests where the server or a second thread is the subject."""
    return HttpClient(live_server.url)


# Browser assertions wait up to 15 s (Playwright's default is 5 s): CI shares two cores
# between the browser, the live server and the database.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "headless": True,
        "args": ["--no-sandbox", "--disable-background-networking"],
    }
