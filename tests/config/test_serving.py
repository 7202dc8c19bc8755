"""The production server configuration (config/gunicorn.py): slow clients do not stall it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SLOW_CLIENTS = 8


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """gunicorn started as the README's production line starts it (two processes)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TALLY_", "DJANGO_", "PYTEST"))}
    env.update(
        TALLY_SECRET_KEY="serving-test-" + "k" * 40,
        TALLY_ALLOWED_HOSTS="127.0.0.1",
        TALLY_BIND=f"127.0.0.1:{port}",
        TALLY_WORKERS="2",
        DATABASE_URL=f"sqlite:///{tmp_path / 'serving.sqlite3'}",
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "-c", "config/gunicorn.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url)
        yield url, port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("gunicorn did not start")


def test_eight_slow_clients_do_not_stall_a_normal_request(server):
    url, port = server
    # given clients that each send half a request and then nothing
    slow = []
    for _ in range(SLOW_CLIENTS):
        client = socket.create_connection(("127.0.0.1", port))
        client.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        slow.append(client)
    time.sleep(0.5)  # let the server take them all up
    try:
        # when a normal request follows
        started = time.monotonic()
        with urllib.request.urlopen(f"{url}/healthz", timeout=5) as reply:
            status = reply.status
        # then it is answered at once
        assert status == 200
        assert time.monotonic() - started < 1.0
    finally:
        for client in slow:
            client.close()
