"""Who may call the API: bearer tokens, bare tokens, empty headers, scopes, rotation."""

from __future__ import annotations

import pytest

from accounts import services
from accounts.scopes import READ_ORDERS
from tests.conftest import make_member

pytestmark = pytest.mark.django_db


def test_bearer_token_identifies_the_app(api, app_factory):
    app, token = app_factory(scopes=[READ_ORDERS])
    reply = api.get("/api/v1/me", token=token)
    assert reply.status == 200
    assert reply.body == {
        "kind": "APP",
        "appDefId": str(app.app_def_id),
        "name": app.name,
        "scopes": [READ_ORDERS],
    }


def test_bare_token_is_accepted_like_the_sdk_api_key_strategy(api, app_factory):
    app, token = app_factory()
    reply = api.get("/api/v1/me", headers={"Authorization": token})
    assert reply.status == 200
    assert reply.body["appDefId"] == str(app.app_def_id)


def test_empty_authorization_header_means_no_credentials(api):
    reply = api.get("/api/v1/me", headers={"Authorization": ""})
    assert reply.status == 401
    assert reply.body["details"]["applicationError"]["code"] == "UNAUTHENTICATED"


def test_unknown_token_is_refused_with_401(api, db):
    reply = api.get("/api/v1/me", token="tly_app_not-a-real-token")
    assert reply.status == 401
    assert reply.headers["www-authenticate"].startswith("Bearer")


def test_malformed_authorization_header_is_refused_with_401(api, db):
    reply = api.get("/api/v1/me", headers={"Authorization": "Basic a b c"})
    assert reply.status == 401


def test_member_token_identifies_the_member_with_member_scopes(api, member):
    token = services.member_token_issue(member=member)
    reply = api.get("/api/v1/me", token=token)
    assert reply.status == 200
    assert reply.body["kind"] == "MEMBER"
    assert reply.body["memberId"] == str(member.member_id)
    assert "PRICING_PLANS.READ_OWN_ORDERS" in reply.body["scopes"]
    assert "PRICING_PLANS.READ_ORDERS" not in reply.body["scopes"]


def test_rotating_an_app_token_revokes_the_old_one_at_once(api, app_factory):
    app, old = app_factory()
    assert api.get("/api/v1/me", token=old).status == 200  # just used: its owner is kept
    new = services.app_token_rotate(app=app)
    assert api.get("/api/v1/me", token=old).status == 401
    assert api.get("/api/v1/me", token=new).status == 200


def test_disabled_app_cannot_call_from_the_next_request(api, app_factory):
    app, token = app_factory()
    assert api.get("/api/v1/me", token=token).status == 200
    app.is_active = False
    app.save()
    assert api.get("/api/v1/me", token=token).status == 401


def test_inactive_member_token_is_refused_from_the_next_request(api, db):
    person = make_member("carol")
    token = services.member_token_issue(member=person)
    assert api.get("/api/v1/me", token=token).status == 200
    person.is_active = False
    person.save()
    assert api.get("/api/v1/me", token=token).status == 401


def test_tokens_are_stored_only_as_digests(app_factory):
    app, token = app_factory()
    stored = app.tokens.get()
    assert token not in (stored.digest, stored.prefix)
    assert stored.digest == services.digest_of(token)


def test_a_revoked_token_is_refused_by_the_next_request(api, app_factory):
    app, token = app_factory()
    assert api.get("/api/v1/me", token=token).status == 200
    services.token_revoke(token=app.tokens.get())
    assert api.get("/api/v1/me", token=token).status == 401


def test_a_deleted_app_is_refused_by_the_next_request(api, app_factory):
    app, token = app_factory()
    assert api.get("/api/v1/me", token=token).status == 200
    app.delete()
    assert api.get("/api/v1/me", token=token).status == 401


def test_changed_scopes_apply_to_the_next_request(api, app_factory):
    app, token = app_factory(scopes=[READ_ORDERS])
    assert api.get("/api/v1/me", token=token).body["scopes"] == [READ_ORDERS]
    app.scopes = []
    app.save(update_fields=["scopes"])
    assert api.get("/api/v1/me", token=token).body["scopes"] == []
