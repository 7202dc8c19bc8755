"""The scripting surface: the management commands and their error messages."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import ApiToken, App, User
from accounts.services import digest_of

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_create_app_prints_a_working_token():
    token = run("create_app", "Shop", "--scope", "PRICING_PLANS.READ_ORDERS").strip()
    stored = ApiToken.objects.get(digest=digest_of(token))
    assert stored.app.name == "Shop"
    assert stored.app.scopes == ["PRICING_PLANS.READ_ORDERS"]


def test_create_app_refuses_an_unknown_scope_and_creates_nothing():
    with pytest.raises(CommandError) as err:
        run("create_app", "Shop", "--scope", "NOT.A_SCOPE")
    assert "Unknown scope" in str(err.value)
    assert not App.objects.exists()


def test_create_app_refuses_a_duplicate_name():
    run("create_app", "Shop")
    with pytest.raises(CommandError) as err:
        run("create_app", "Shop")
    assert "already exists" in str(err.value)


def test_issue_member_token_prints_a_token_for_that_member(member):
    token = run("issue_member_token", member.email.upper()).strip()
    assert ApiToken.objects.get(digest=digest_of(token)).member == member


def test_issue_member_token_for_an_unknown_email_says_so():
    with pytest.raises(CommandError) as err:
        run("issue_member_token", "nobody@example.com")
    assert "nobody@example.com" in str(err.value)


def test_clock_advance_refuses_when_the_test_clock_is_off(settings):
    settings.TALLY_TEST_CLOCK = False
    with pytest.raises(CommandError) as err:
        run("clock", "advance", "30d")
    assert "TALLY_TEST_CLOCK=1" in str(err.value)


def test_clock_advance_refuses_an_unreadable_duration(settings):
    settings.TALLY_TEST_CLOCK = True
    with pytest.raises(CommandError) as err:
        run("clock", "advance", "soon")
    assert "not a duration" in str(err.value)


def test_clock_show_prints_an_aware_time():
    assert run("clock", "show").strip().endswith("+00:00")


def test_loaddemo_json_has_logins_tokens_members_plans_and_coupons():
    result = json.loads(run("loaddemo", "--json", "--months", "0").strip().splitlines()[-1])
    assert result["owner"]["username"] == "owner"
    assert User.objects.get(username="owner").check_password(result["owner"]["password"])
    assert ApiToken.objects.get(digest=digest_of(result["app"]["token"])).app.name == "Demo app"
    emails = {m["email"] for m in result["members"]}
    assert emails == {"alice@example.com", "bob@example.com"}
    for m in result["members"]:
        assert str(User.objects.get(email=m["email"]).member_id) == m["memberId"]
        assert ApiToken.objects.get(digest=digest_of(m["token"])).member.email == m["email"]
    names = {p["name"] for p in result["plans"]}
    assert {"Monthly (12 months)", "Free"} <= names
    assert result["coupons"] == ["SAVE10"]


def test_loaddemo_twice_keeps_one_of_each():
    first = json.loads(run("loaddemo", "--json", "--months", "0").strip().splitlines()[-1])
    second = json.loads(run("loaddemo", "--json", "--months", "0").strip().splitlines()[-1])
    assert first["plans"] == second["plans"]
    assert User.objects.filter(username="alice").count() == 1
    assert App.objects.filter(name="Demo app").count() == 1
    assert first["app"]["token"] != second["app"]["token"]


def test_loaddemo_again_keeps_the_password_hash_so_browsers_stay_signed_in():
    run("loaddemo", "--months", "0")
    before = User.objects.get(username="owner").password
    run("loaddemo", "--months", "0")
    assert User.objects.get(username="owner").password == before


def test_manage_reads_the_local_env_file_without_overriding_the_environment(tmp_path, monkeypatch):
    import manage

    env_file = tmp_path / ".env.local"
    env_file.write_text("TALLY_DEMO_A=from-file\nTALLY_DEMO_B=from-file\n# a comment\n")
    monkeypatch.setenv("TALLY_DEMO_B", "from-environment")
    monkeypatch.delenv("TALLY_DEMO_A", raising=False)
    manage.load_local_env(env_file)
    assert os.environ["TALLY_DEMO_A"] == "from-file"
    assert os.environ["TALLY_DEMO_B"] == "from-environment"
    monkeypatch.delenv("TALLY_DEMO_A")


def test_make_run_refuses_a_taken_port_and_names_the_variable():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            ["bash", str(ROOT / "scripts" / "run-dev.sh")],
            env={**os.environ, "PORT": str(port)},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert f"Port {port} is in use" in done.stderr
    assert "PORT=" in done.stderr
    assert "Tally is running" not in done.stdout
