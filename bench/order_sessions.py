"""Order-session benchmark: endpoint throughput, codec cost, hostile-token refusal time.

    .venv/bin/python bench/order_sessions.py            # SQLite in a scratch directory
    DATABASE_URL=postgres://.../scratch .venv/bin/python bench/order_sessions.py

It migrates a scratch database (a new SQLite file unless DATABASE_URL names one: use a
throwaway database; a PostgreSQL one is created when missing), then measures, in one
process and one run:

1. requests per second for session create and get, over HTTP against gunicorn (2 workers x 4
   threads, 8 keep-alive clients) and in-process through Django's WSGI handler (the whole
   Django stack: middleware, routing, DRF, authentication, database, codec, without sockets).
   They are compared with the authenticated floor measured in the same run: "auth only"
   (GET /api/v1/me: the caller's token looked up in the database, as on every request, and
   DRF, nothing else), what every authenticated call shares. The targets are create at 0.4x
   or more of that floor and get at 0.6x or more. Three more floors show where the time
   goes: a bare Django JSON view (no database, no auth), "bare + 1 query" (the bare view plus
   one ``SELECT 1``) and "DRF, no auth" (the bare answer through a DRF view);
2. the token codec (seal + open) against jwcrypto's own JWE encrypt + decrypt of the same
   payload with the same key; the target is at most 1.2x;
3. the time to refuse hostile and malformed tokens (alg none, PBES2 with a huge iteration
   count, zip, JSON serialization, oversized, garbage); the target is under 1 ms.

BENCH_SECONDS (default 3) sets the time per measurement; over HTTP it is split into
BENCH_ROUNDS (default 3) alternating rounds, so that drift in the machine's speed falls on
every endpoint alike.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from base64 import urlsafe_b64decode, urlsafe_b64encode
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.environment import ensure_database, is_postgres, use_bench_settings  # noqa: E402

if not os.environ.get("DATABASE_URL"):  # a scratch SQLite file, made only when needed
    os.environ["DATABASE_URL"] = (
        f"sqlite:///{tempfile.mkdtemp(prefix='tally-bench-')}/bench.sqlite3"
    )
use_bench_settings(os.environ["DATABASE_URL"])
if is_postgres(os.environ["DATABASE_URL"]):
    ensure_database(os.environ["DATABASE_URL"])
os.environ.setdefault("TALLY_ORDER_SESSION_KEYS", "bench:" + "b" * 43)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from rest_framework.permissions import AllowAny  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

from config.urls import urlpatterns as site_urlpatterns  # noqa: E402


def bare(request):
    return JsonResponse({"ok": True})


class DrfBare(APIView):
    """The bare view's answer through DRF, with no authentication: DRF's own share."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"ok": True})


def bare_one_query(request):
    """The bare view plus one trivial database round trip: the floor of any view that reads."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"ok": True})


# The site's own URL list with the bare views in front, so every view runs through the same
# stack and the site's paths resolve exactly as they do in production.
urlpatterns = [
    path("bench/bare", bare),
    path("bench/bare-one-query", bare_one_query),
    path("bench/drf-no-auth", DrfBare.as_view()),
    *site_urlpatterns,
]
settings.ROOT_URLCONF = __name__
settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
# Refusals are logged as warnings by django.request; printing thousands of them would be
# what the benchmark measures.
logging.getLogger("django.request").setLevel(logging.ERROR)

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from jwcrypto.jwe import JWE  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.scopes import MANAGE_ORDER_SESSIONS, READ_ORDER_SESSIONS  # noqa: E402
from accounts.services import app_create  # noqa: E402
from config import clock  # noqa: E402
from orders.services.catalogue import plan_upsert  # noqa: E402
from sessions_app import codec, keys  # noqa: E402
from sessions_app.errors import InvalidOrderSessionId, OrderSessionNotFound  # noqa: E402
from sessions_app.services.tokens import token_open  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def rate(call, seconds: float = SECONDS) -> float:
    """Calls per second over ``seconds`` (after a short warm-up)."""
    for _ in range(20):
        call()
    done, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(20):
            call()
        done += 20
    return done / elapsed


def per_call_us(call, n: int = 2000, rounds: int = 5) -> float:
    """Best of ``rounds`` mean times of ``n`` calls, in microseconds."""
    return min(_mean_us(call, n) for _ in range(rounds))


def side_by_side_us(first, second, n: int = 300, rounds: int = 25) -> tuple[float, float]:
    """Best mean times of two calls measured in alternating rounds, so that load from other
    processes falls on both alike."""
    a, b = [], []
    for _ in range(rounds):
        a.append(_mean_us(first, n))
        b.append(_mean_us(second, n))
    return min(a), min(b)


def _mean_us(call, n: int) -> float:
    """CPU time of this process per call: time the machine spends on other processes (the
    database server, other jobs) does not count, which keeps micro-timings stable under load."""
    start = time.process_time()
    for _ in range(n):
        call()
    return (time.process_time() - start) / n * 1e6


def setup():
    call_command("migrate", verbosity=0)
    app, token = app_create(
        name=f"bench {time.time_ns()}", scopes=[MANAGE_ORDER_SESSIONS, READ_ORDER_SESSIONS]
    )
    member = User.objects.create_user(username=f"bench{time.time_ns()}", password="x" * 12)
    plan = plan_upsert(name=f"Bench plan {time.time_ns()}", price="30.00")
    return app, token, member, plan


def in_process_calls(token: str, member, plan) -> dict:
    """The measured calls through Django's WSGI handler, each checked for a 200."""
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = json.dumps({"sessionData": {"planId": str(plan.pk), "memberId": str(member.member_id)}})

    def call(method: str, path: str, **extra):
        def one():
            response = getattr(client, method)(path, **extra)
            assert response.status_code == 200, response.content
            return response

        return one

    create = call("post", "/billing/v2/order-sessions", data=body, content_type="application/json")
    session_id = create().json()["orderSession"]["orderSessionId"]
    return {
        "bare": call("get", "/bench/bare"),
        "bare + 1 query": call("get", "/bench/bare-one-query"),
        "DRF, no auth": call("get", "/bench/drf-no-auth"),
        "auth only": call("get", "/api/v1/me"),
        "create": create,
        "get": call("get", f"/billing/v2/order-sessions/{session_id}"),
    }


def throughput(calls: dict) -> dict[str, float]:
    return {name: rate(call) for name, call in calls.items()}


def cpu_per_request(calls: dict) -> dict[str, float]:
    """CPU time of this process per request, in us: the database server's work and the time
    the machine gives to other processes are left out, so it holds better on a busy machine
    than requests per second (which count both)."""
    return {
        name: per_call_us(calls[name], n=200, rounds=3) for name in ("auth only", "create", "get")
    }


def http_throughput(token: str, member, plan) -> dict[str, float]:
    """The same three calls over HTTP against gunicorn serving this module."""
    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "bench.order_sessions:application",
            "--chdir",
            str(ROOT),
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "-k",
            "gthread",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        _wait_until_up(port)
        auth = {"Authorization": f"Bearer {token}"}
        body = json.dumps(
            {"sessionData": {"planId": str(plan.pk), "memberId": str(member.member_id)}}
        )
        post = (
            "POST",
            "/billing/v2/order-sessions",
            body,
            {**auth, "Content-Type": "application/json"},
        )
        status, reply = _request(port, *post)
        session_id = json.loads(reply)["orderSession"]["orderSessionId"]
        calls = {
            "bare": ("GET", "/bench/bare", None, auth),
            "bare + 1 query": ("GET", "/bench/bare-one-query", None, auth),
            "DRF, no auth": ("GET", "/bench/drf-no-auth", None, auth),
            "auth only": ("GET", "/api/v1/me", None, auth),
            "create": post,
            "get": ("GET", f"/billing/v2/order-sessions/{session_id}", None, auth),
        }
        return _interleaved(port, calls)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if _request(port, "GET", "/bench/bare", None, {})[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _request(port: int, method: str, url: str, body, headers) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, url, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _interleaved(port: int, calls: dict, rounds: int = ROUNDS) -> dict[str, float]:
    """Requests per second of each call, measured in alternating short rounds.

    The machine's speed drifts over seconds (other processes, the database's own work); in
    turns, each call sees the same drift, so the ratios stay honest.
    """
    done = dict.fromkeys(calls, 0.0)
    for _ in range(rounds):
        for name, call in calls.items():
            done[name] += _load(port, call, seconds=SECONDS / rounds)
    return {name: total / rounds for name, total in done.items()}


def _load(port: int, call, clients: int = 8, seconds: float = SECONDS) -> float:
    """Requests per second from ``clients`` keep-alive connections for ``seconds``."""
    method, url, body, headers = call
    stop = time.monotonic() + seconds
    counts = [0] * clients

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            connection.request(method, url, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            assert response.status == 200, response.status
            counts[index] += 1
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


def codec_cost(app) -> dict[str, float]:
    app_id = str(app.app_def_id)
    master = keys.current_master()
    key = keys.derive_key(master, app_id, 1)
    kid = keys.kid_of(master, 1)
    now = clock.now()
    issued = int(now.timestamp())
    claims = {
        "v": 1,
        "sid": "ab" * 16,
        "app": app_id,
        "iat": issued,
        "nbf": issued,
        "exp": issued + 86400,
        "data": {
            "planId": "6b0f4bd5-07b3-4d6e-9d9a-3c7b1d2e4f5a",
            "memberId": "0d1c2b3a-4f5e-6d7c-8b9a-0f1e2d3c4b5a",
            "couponCodes": [],
            "contractSwitchType": "REGULAR",
            "ttlSeconds": 86400,
        },
    }
    header = json.dumps(
        {"alg": "dir", "enc": "A256GCM", "kid": kid, "typ": codec.TYP, "app": app_id},
        separators=(",", ":"),
    )
    payload = json.dumps(claims, separators=(",", ":")).encode()

    def ours():
        token = codec.seal(claims, app_id=app_id, kid=kid, key=key)
        opened = codec.decrypt_token(token, app_id=app_id, key_for=lambda _: key)
        codec.check_times(opened.claims, now)

    def jwcrypto_alone():
        jwe = JWE(payload, protected=header)
        jwe.add_recipient(key)
        token = jwe.serialize(compact=True)
        back = JWE()
        back.deserialize(token, key)
        json.loads(back.plaintext)

    codec_us, jwcrypto_us = side_by_side_us(ours, jwcrypto_alone)
    return {"codec": codec_us, "jwcrypto": jwcrypto_us}


def hostile_tokens(good: str) -> dict[str, str]:
    head, _, iv, ciphertext, tag = good.split(".")
    header = json.loads(urlsafe_b64decode(head + "=" * (-len(head) % 4)))

    def with_header(**changes) -> str:
        encoded = urlsafe_b64encode(json.dumps({**header, **changes}).encode()).decode()
        return ".".join([encoded.rstrip("="), "", iv, ciphertext, tag])

    return {
        "alg none": with_header(alg="none"),
        "PBES2, p2c 2e9": with_header(alg="PBES2-HS512+A256KW", p2s="c2FsdA", p2c=2_000_000_000),
        "zip DEF": with_header(zip="DEF"),
        "JSON serialization": json.dumps(
            {"protected": head, "iv": iv, "ciphertext": ciphertext, "tag": tag}
        ),
        "oversized (1 MiB)": good + "A" * (1 << 20),
        "garbage": "x" * 300,
        "another app's token": with_header(app="00000000-0000-0000-0000-000000000000"),
    }


def refuser(app, hostile: str):
    def refuse():
        try:
            token_open(app=app, token=hostile)
        except (InvalidOrderSessionId, OrderSessionNotFound):
            return
        raise AssertionError("a hostile token was accepted")

    return refuse


def hostile_cost(app, token: str, member, plan) -> dict[str, tuple[float, float]]:
    """Per kind: (refusal by the service, in us; whole GET request, in us)."""
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = json.dumps({"sessionData": {"planId": str(plan.pk), "memberId": str(member.member_id)}})
    created = client.post("/billing/v2/order-sessions", body, content_type="application/json")
    good = created.json()["orderSession"]["orderSessionId"]
    results = {}
    for kind, hostile in hostile_tokens(good).items():
        # URLs are capped by every web server in front of Django; send the first 8 KiB.
        url = "/billing/v2/order-sessions/" + quote(hostile[:8192], safe="")

        def request(url=url):
            assert client.get(url).status_code in (400, 404)

        results[kind] = (
            per_call_us(refuser(app, hostile), n=500, rounds=3),
            per_call_us(request, n=100, rounds=3),
        )
    return results


def main() -> None:
    app, token, member, plan = setup()
    print(
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
        f"{SECONDS:g} s per endpoint"
    )
    calls = in_process_calls(token, member, plan)
    for title, rates in (
        ("over HTTP (gunicorn, 8 clients)", http_throughput(token, member, plan)),
        ("in-process (Django WSGI handler, no sockets)", throughput(calls)),
    ):
        print(f"\nthroughput in requests/s, {title}")
        for name, value in rates.items():
            share = f"  {value / rates['bare']:.0%} of bare" if name != "bare" else ""
            print(f"  {name:<15}{value:>9.0f}{share}")
        floor = rates["auth only"]
        for name, target in (("create", 0.4), ("get", 0.6)):
            ratio = rates[name] / floor
            verdict = "meets" if ratio >= target else "misses"
            print(f"  {name} / auth only: {ratio:.2f}x ({verdict} the {target}x target)")
    cpu = cpu_per_request(calls)
    print("\nCPU of the Django process per request, in-process (the database's work left out)")
    for name, value in cpu.items():
        share = (
            f"  auth only / {name}: {cpu['auth only'] / value:.2f}x" if name != "auth only" else ""
        )
        print(f"  {name:<15}{value:>9.0f} us{share}")
    costs = codec_cost(app)
    print("\ntoken codec (seal + open) vs jwcrypto encrypt + decrypt, same payload and key")
    print(f"  codec     {costs['codec']:>7.1f} us")
    ratio = costs["codec"] / costs["jwcrypto"]
    print(f"  jwcrypto  {costs['jwcrypto']:>7.1f} us  -> ratio {ratio:.2f}x")
    print("\nhostile and malformed tokens: refusal by the service / whole GET request")
    for kind, (service_us, request_us) in hostile_cost(app, token, member, plan).items():
        print(f"  {kind:<22}{service_us:>8.1f} us {request_us:>9.1f} us")


if __name__ == "__main__":
    main()
else:  # imported by gunicorn for the HTTP measurement: the site's own application
    from config.wsgi import application  # noqa: F401
