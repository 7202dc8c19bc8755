"""The owner manages members and apps in the admin; a new token is shown exactly once."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages

from accounts.models import ApiToken, App
from accounts.services import digest_of

pytestmark = pytest.mark.django_db

TOKEN_IN_MESSAGE = re.compile(r"<code class='tally-token'>(tly_[a-z]+_[\w-]+)</code>")


def shown_tokens(response) -> list[str]:
    return [
        m
        for message in get_messages(response.wsgi_request)
        for m in TOKEN_IN_MESSAGE.findall(str(message))
    ]


def test_adding_an_app_shows_its_token_once(client, owner):
    client.force_login(owner)
    response = client.post(
        "/admin/accounts/app/add/",
        {"name": "Shop", "scopes": ["PRICING_PLANS.READ_ORDERS"], "is_active": "on"},
    )
    assert response.status_code == 302
    [token] = shown_tokens(response)
    stored = ApiToken.objects.get(digest=digest_of(token))
    assert stored.app.name == "Shop"
    assert stored.app.scopes == ["PRICING_PLANS.READ_ORDERS"]
    first_view = client.get(response["Location"]).content.decode()
    assert token in first_view
    second_view = client.get(response["Location"]).content.decode()
    assert token not in second_view


def test_rotate_token_action_revokes_old_tokens_and_shows_the_new_one(client, owner, app_factory):
    app, old = app_factory(name="Shop")
    client.force_login(owner)
    response = client.post(
        "/admin/accounts/app/", {"action": "rotate_token", "_selected_action": [app.pk]}
    )
    [new] = shown_tokens(response)
    assert ApiToken.objects.get(digest=digest_of(old)).revoked_at is not None
    assert ApiToken.objects.get(digest=digest_of(new)).revoked_at is None


def test_app_with_no_name_is_refused_in_the_form(client, owner):
    client.force_login(owner)
    response = client.post("/admin/accounts/app/add/", {"name": "", "scopes": []})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not App.objects.exists()


def test_member_token_action_shows_a_token_for_each_member(client, owner, member):
    client.force_login(owner)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "issue_member_token", "_selected_action": [member.pk]},
    )
    [token] = shown_tokens(response)
    assert ApiToken.objects.get(digest=digest_of(token)).member == member


def test_owner_sees_plans_coupons_members_and_apps(client, owner, plan_factory):
    plan_factory(name="Gold")
    client.force_login(owner)
    index = client.get("/admin/").content.decode()
    for name in ("Plans", "Coupons", "Members", "Apps"):
        assert name in index
    assert "Gold" in client.get("/admin/orders/plan/").content.decode()
