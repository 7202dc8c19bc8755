"""Revoking or rotating a token, disabling an app or a member, and revoking session keys take
effect on the very next request, in every process serving the site.

Each test first calls every server, so that anything a process might keep from that call is
kept, then makes the change from this process, and calls every server again. On PostgreSQL
the servers are the live server (a thread of this process) and a gunicorn process of its own
on the same database; on SQLite, whose test database lives in this process's memory, the live
server alone. Changes are made the harshest way where one exists: a bulk ``update()``, which
sends no signal.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
from pathlib import Path

import pytest
from django.db import connection

from accounts import services as accounts
from accounts.actors import Actor
from accounts.models import ApiToken, App, User
from accounts.scopes import MANAGE_ORDER_SESSIONS, READ_ORDER_SESSIONS
from sessions_app.services.keys import session_key_rotate
from tests.conftest import HttpClient

ROOT = Path(__file__).resolve().parents[2]
MASTER = "k1:" + "m" * 43
SESSION_SCOPES = [MANAGE_ORDER_SESSIONS, READ_ORDER_SESSIONS]


@pytest.fixture(scope="module")
def gunicorn(django_db_setup):
    """A gunicorn process serving the test database (PostgreSQL only), or None."""
    if connection.vendor != "postgresql":
        yield None
        return
    db = connection.settings_dict  # the test database's, once django_db_setup made it
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application"]
        + ["-b", f"127.0.0.1:{port}", "-w", "1", "--threads", "2", "--log-level", "warning"],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": url,
            "PGPASSWORD": db["PASSWORD"] or "",
            "TALLY_SECRET_KEY": "another-process-test-key",
            "TALLY_ALLOWED_HOSTS": "127.0.0.1",
            "TALLY_ORDER_SESSION_KEYS": MASTER,
        },
    )
    client = HttpClient(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if client.get("/healthz").status == 200:
                    break
            except (OSError, urllib.error.URLError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        yield client
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def servers(live_server, gunicorn, settings) -> list[HttpClient]:
    settings.TALLY_ORDER_SESSION_KEYS = [MASTER]
    return [HttpClient(live_server.url), *([gunicorn] if gunicorn else [])]


def statuses(servers: list[HttpClient], path: str, token: str) -> list[int]:
    return [server.get(path, token=token).status for server in servers]


def test_a_revoked_token_is_refused_by_every_process_on_the_next_request(servers, app_factory):
    # given an app token every server has just accepted
    app, token = app_factory()
    assert statuses(servers, "/api/v1/me", token) == [200] * len(servers)
    # when it is revoked
    accounts.token_revoke(token=ApiToken.objects.get(app=app))
    # then every server refuses it on the next request
    assert statuses(servers, "/api/v1/me", token) == [401] * len(servers)


def test_a_rotated_token_is_refused_and_its_successor_accepted_everywhere(servers, app_factory):
    app, old = app_factory()
    assert statuses(servers, "/api/v1/me", old) == [200] * len(servers)
    new = accounts.app_token_rotate(app=app)
    assert statuses(servers, "/api/v1/me", old) == [401] * len(servers)
    assert statuses(servers, "/api/v1/me", new) == [200] * len(servers)


def test_a_disabled_app_is_refused_by_every_process_on_the_next_request(servers, app_factory):
    app, token = app_factory()
    assert statuses(servers, "/api/v1/me", token) == [200] * len(servers)
    App.objects.filter(pk=app.pk).update(is_active=False)
    assert statuses(servers, "/api/v1/me", token) == [401] * len(servers)


def test_a_disabled_member_is_refused_by_every_process_on_the_next_request(servers, member):
    token = accounts.member_token_issue(member=member)
    assert statuses(servers, "/api/v1/me", token) == [200] * len(servers)
    User.objects.filter(pk=member.pk).update(is_active=False)
    assert statuses(servers, "/api/v1/me", token) == [401] * len(servers)


def test_revoked_session_keys_end_open_sessions_in_every_process_on_the_next_request(
    servers, app_factory, plan_factory, member
):
    # given a session every server has just read
    app, token = app_factory(scopes=SESSION_SCOPES)
    body = {"sessionData": {"planId": str(plan_factory().pk), "memberId": str(member.member_id)}}
    created = servers[-1].post("/billing/v2/order-sessions", body, token=token)
    assert created.status == 200, created.body
    session = f"/billing/v2/order-sessions/{created.body['orderSession']['orderSessionId']}"
    assert statuses(servers, session, token) == [200] * len(servers)
    # when the app's session keys are revoked
    session_key_rotate(app=app, actor=Actor.system("test"), revoke=True)
    # then no server opens the session any more
    assert statuses(servers, session, token) == [404] * len(servers)
    # and a session every server makes now is sealed with the new key, so every server opens it
    for maker in servers:
        made = maker.post("/billing/v2/order-sessions", body, token=token)
        assert made.status == 200, made.body
        path = f"/billing/v2/order-sessions/{made.body['orderSession']['orderSessionId']}"
        assert statuses(servers, path, token) == [200] * len(servers)
