"""What every benchmark sets up before Django: its settings, and its own PostgreSQL database,
made on first use so that a rerun needs one command."""

from __future__ import annotations

import os

SECRET_KEY = "bench-secret-key-not-for-production"
# API throttling on, as in production, at rates no benchmark reaches: its cost is measured,
# its 429s never are.
THROTTLED = {
    "TALLY_THROTTLE_CALLER": "100000000/hour",
    "TALLY_THROTTLE_ADDRESS": "100000000/hour",
    "TALLY_THROTTLE_AUTH_FAILURES": "30/min",
    "TALLY_THROTTLE_ANONYMOUS": "100000000/hour",
}


def use_bench_settings(default_database_url: str) -> None:
    """Production settings (no debug) on the benchmark's database unless DATABASE_URL names
    another; call it before ``django.setup()``."""
    os.environ.setdefault("DATABASE_URL", default_database_url)
    os.environ.setdefault("TALLY_SECRET_KEY", SECRET_KEY)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.pop("TALLY_DEBUG", None)
    for name, rate in THROTTLED.items():
        os.environ.setdefault(name, rate)


def is_postgres(url: str) -> bool:
    import dj_database_url

    return "postgresql" in dj_database_url.parse(url)["ENGINE"]


def ensure_database(url: str, *, emptied: bool = False) -> None:
    """Create the PostgreSQL database ``url`` names when it does not exist yet.

    ``emptied``: the benchmark deletes rows, so the name must contain ``bench``; a database
    of real orders is never a benchmark's scratch space.
    """
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    if emptied and "bench" not in cfg["NAME"]:
        raise SystemExit(f"refusing to empty '{cfg['NAME']}': use a database named *bench*")
    with psycopg.connect(
        host=cfg["HOST"] or "127.0.0.1",
        port=cfg["PORT"] or 5432,
        user=cfg["USER"] or "postgres",
        password=cfg["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
        if found.fetchone() is None:
            admin.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(app: str, port: int, workers: int, *, env: dict[str, str] | None = None):
    """Gunicorn serving ``app`` on 127.0.0.1:``port``, returned once /healthz answers;
    ``env``: variables set for it beyond this process's own."""
    import http.client
    import subprocess
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    server = subprocess.Popen(
        [str(root / ".venv" / "bin" / "gunicorn"), app, "-w", str(workers)]
        + ["-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=root,
        env={**os.environ, "TALLY_ALLOWED_HOSTS": "127.0.0.1", **(env or {})},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def owner_client():
    """A Django test client signed in as the benchmarks' owner (made on first use)."""
    from django.test import Client

    from accounts.models import User

    owner = User.objects.filter(username="bench-owner").first()
    if owner is None:
        owner = User.objects.create_superuser("bench-owner", "bench@example.com", "bench-pass-1")
    client = Client()
    client.force_login(owner)
    return client
