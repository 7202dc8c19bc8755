"""Order-session benchmark: endpoint throughput, codec cost, hostile-token refusal time.

    .venv/bin/python bench/order_sessions.py            # SQLite in a scratch directory
    DATABASE_URL=postgres://.../scratch .venv/bin/python bench/order_sessions.py

It migrates a scratch database (a new SQLite file unless DATABASE_URL names one: use a
throwaway database), then measures, in one process and one run:

1. requests per second through the whole Django stack (middleware, URL routing, DRF,
   authentication, database, codec) for a bare Django JSON view, session create and session
   get; the targets are create and get at 50 % or more of the bare view;
2. the token codec (seal + open) against jwcrypto's own JWE encrypt + decrypt of the same
   payload with the same key; the target is at most 1.2x;
3. the time to refuse hostile and malformed tokens (alg none, PBES2 with a huge iteration
   count, zip, JSON serialization, oversized, garbage); the target is under 1 ms.

Requests go through Django's WSGI handler in-process (django.test.Client), so socket and
HTTP-parsing costs, which are the same for every endpoint, do not blur the comparison.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from base64 import urlsafe_b64decode, urlsafe_b64encode
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCRATCH = tempfile.mkdtemp(prefix="tally-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{SCRATCH}/bench.sqlite3")
os.environ.setdefault("TALLY_SECRET_KEY", "bench-secret-key-not-for-production")
os.environ.setdefault("TALLY_ORDER_SESSION_KEYS", "bench:" + "b" * 43)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ.pop("TALLY_DEBUG", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import include, path  # noqa: E402


def bare(request):
    return JsonResponse({"ok": True})


# The site's URLs plus the bare view, so all three run through the same stack.
urlpatterns = [path("bench/bare", bare), path("", include("config.urls"))]
settings.ROOT_URLCONF = __name__
settings.ALLOWED_HOSTS = ["testserver"]

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
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(n):
            call()
        best = min(best, (time.perf_counter() - start) / n * 1e6)
    return best


def setup():
    call_command("migrate", verbosity=0)
    app, token = app_create(
        name=f"bench {time.time_ns()}", scopes=[MANAGE_ORDER_SESSIONS, READ_ORDER_SESSIONS]
    )
    member = User.objects.create_user(username=f"bench{time.time_ns()}", password="x" * 12)
    plan = plan_upsert(name=f"Bench plan {time.time_ns()}", price="30.00")
    return app, token, member, plan


def throughput(token: str, member, plan) -> dict[str, float]:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = json.dumps({"sessionData": {"planId": str(plan.pk), "memberId": str(member.member_id)}})

    def create():
        response = client.post("/billing/v2/order-sessions", body, content_type="application/json")
        assert response.status_code == 200, response.content
        return response

    session_id = create().json()["orderSession"]["orderSessionId"]

    def get():
        assert client.get(f"/billing/v2/order-sessions/{session_id}").status_code == 200

    def bare_view():
        assert client.get("/bench/bare").status_code == 200

    return {"bare": rate(bare_view), "create": rate(create), "get": rate(get)}


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
        codec.open_token(token, app_id=app_id, key_for=lambda _: key, now=now)

    def jwcrypto_alone():
        jwe = JWE(payload, protected=header)
        jwe.add_recipient(key)
        token = jwe.serialize(compact=True)
        back = JWE()
        back.deserialize(token, key)
        json.loads(back.plaintext)

    return {"codec": per_call_us(ours), "jwcrypto": per_call_us(jwcrypto_alone)}


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
    rates = throughput(token, member, plan)
    print("\nthroughput (requests/s, in-process through the full Django stack)")
    for name, value in rates.items():
        share = f"  {value / rates['bare']:.0%} of bare" if name != "bare" else ""
        print(f"  {name:<8}{value:>9.0f}{share}")
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
