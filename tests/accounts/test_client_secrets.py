"""Client secrets of apps (for POST /accessToken/get): stored hashed, shown once, issued and
revoked by a command and by admin actions."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.client_credentials import access_token_issue, client_secret_issue
from accounts.models import ClientSecret
from tests.accounts.test_admin import shown_tokens

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_secret_is_stored_only_as_its_digest(app_factory):
    app, _ = app_factory()
    secret = client_secret_issue(app=app)
    stored = ClientSecret.objects.get(app=app)
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {stored.digest, stored.prefix}
    assert secret.startswith(stored.prefix)


def test_command_prints_a_working_secret_for_the_app_named(app_factory):
    app, _ = app_factory(name="Shop")
    secret = run("issue_client_secret", "Shop")
    token = access_token_issue(client_id=str(app.app_def_id), client_secret=secret)
    assert token.app == app


def test_command_takes_the_app_id_too(app_factory):
    app, _ = app_factory()
    secret = run("issue_client_secret", str(app.app_def_id))
    assert access_token_issue(client_id=str(app.app_def_id), client_secret=secret).app == app


def test_command_refuses_an_unknown_app():
    with pytest.raises(CommandError, match="No app"):
        run("issue_client_secret", "nobody")
    assert not ClientSecret.objects.exists()


def test_command_revokes_every_secret_of_the_app(app_factory):
    app, _ = app_factory(name="Shop")
    other, _ = app_factory(name="Other")
    client_secret_issue(app=app)
    client_secret_issue(app=app)
    kept = client_secret_issue(app=other)
    assert run("issue_client_secret", "Shop", "--revoke") == "Revoked 2 client secret(s) of 'Shop'."
    assert not ClientSecret.objects.filter(app=app, revoked_at__isnull=True).exists()
    assert access_token_issue(client_id=str(other.app_def_id), client_secret=kept).app == other


def test_admin_action_issues_a_secret_shown_once(client, owner, app_factory):
    app, _ = app_factory(name="Shop")
    client.force_login(owner)
    response = client.post(
        "/admin/accounts/app/", {"action": "issue_client_secret", "_selected_action": [app.pk]}
    )
    [secret] = shown_tokens(response)
    assert access_token_issue(client_id=str(app.app_def_id), client_secret=secret).app == app
    client.get("/admin/accounts/app/")  # the message is shown here, once
    page = client.get(f"/admin/accounts/app/{app.pk}/change/").content.decode()
    assert secret not in page
    assert ClientSecret.objects.get().prefix in page


def test_admin_action_revokes_the_apps_secrets(client, owner, app_factory):
    app, _ = app_factory(name="Shop")
    client_secret_issue(app=app)
    client.force_login(owner)
    client.post(
        "/admin/accounts/app/", {"action": "revoke_client_secrets", "_selected_action": [app.pk]}
    )
    assert ClientSecret.objects.get().revoked_at is not None
