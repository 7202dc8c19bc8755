"""Production settings by environment: one switch (TALLY_HTTPS=1) turns on HSTS, the SSL
redirect and Secure ``__Host-`` cookies; ``check --deploy`` is clean with the variables the
README lists; without the switch a ``make run`` site works on plain http; every page carries
a Content Security Policy that runs no inline script, and no page refers to another host."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "TALLY_SECRET_KEY": "p" * 20 + "r0duct10n-k3y-w1th-enough-entropy-4-django",
    "TALLY_DEBUG": "0",
    "TALLY_HTTPS": "1",
    "TALLY_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "TALLY_ALLOWED_HOSTS": "tally.example.com",
    "DATABASE_URL": "sqlite:///unused.sqlite3",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    test_only = ("TALLY_", "PYTEST", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(test_only)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_tally_https_turns_on_hsts_redirect_and_host_cookies():
    result = _manage("diffsettings", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    for line in (
        "SECURE_SSL_REDIRECT = True",
        "SECURE_HSTS_SECONDS = 31536000",
        "SESSION_COOKIE_SECURE = True",
        "CSRF_COOKIE_SECURE = True",
        "SESSION_COOKIE_NAME = '__Host-sessionid'",
        "CSRF_COOKIE_NAME = '__Host-csrftoken'",
        "SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')",
    ):
        assert line in result.stdout


def test_without_tally_https_the_site_works_on_plain_http(client, db):
    # given the settings `make run` starts with (the test process sets no TALLY_HTTPS)
    assert not django_settings.SECURE_SSL_REDIRECT
    # when
    response = client.get("/accounts/login/")
    # then
    assert response.status_code == 200
    assert not response.cookies["csrftoken"]["secure"]


PAGES = ["/accounts/login/", "/admin/login/", "/api/docs", "/admin/", "/admin/orders/order/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_policy_that_runs_no_inline_script(client, owner, path):
    if "login" not in path:
        client.force_login(owner)
    response = client.get(path)
    assert response.status_code == 200
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"


REFERENCE = re.compile(r"""(?:src|href|action)\s*=\s*["']([^"']+)["']""")


@pytest.mark.django_db
@pytest.mark.parametrize("path", [*PAGES, "/account/orders/", "/admin/orders/order/add/"])
def test_no_page_refers_to_another_host(client, owner, path):
    if "login" not in path:
        client.force_login(owner)
    page = client.get(path).content.decode()
    script = client.get("/api/docs?script=").content.decode() if path == "/api/docs" else ""
    references = REFERENCE.findall(page) + re.findall(r"https?://[^\s\"'`)]+", script)
    assert references
    assert [r for r in references if re.match(r"^(?:[a-z]+:)?//", r)] == []


@pytest.mark.parametrize(
    "path",
    ["/pricing-plans/v2/nope", "/billing/v2/nope", "/api/v1/nope", "/api/nope/deeper"],
)
def test_an_unknown_api_path_answers_the_json_envelope_in_debug_mode(client, settings, path):
    settings.DEBUG = True
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["details"]["applicationError"]["code"] == "NOT_FOUND"


def test_an_unknown_receipts_path_answers_a_problem_in_debug_mode(client, settings):
    settings.DEBUG = True
    response = client.get("/order-management/v1/nope")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
