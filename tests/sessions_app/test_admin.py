"""The owner's dashboard for order sessions: key versions per app with rotate, revoke and retire
actions, and the submitted sessions with their orders."""

from __future__ import annotations

import pytest

from accounts.actors import Actor
from sessions_app.models import SessionKeyVersion
from sessions_app.services.keys import session_key_current, session_key_rotate

KEYS = "/admin/sessions_app/sessionkeyversion/"


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def act(owner_client, action: str, *keys: SessionKeyVersion):
    return owner_client.post(
        KEYS,
        {"action": action, "_selected_action": [str(k.pk) for k in keys]},
        follow=True,
    )


def test_key_versions_are_listed_with_their_state(owner_client, session_app, clock):
    app, _ = session_app
    session_key_current(app=app)
    session_key_rotate(app=app, actor=Actor.system())
    page = owner_client.get(KEYS).content.decode()
    assert "decrypt-only" in page and "current" in page and app.name in page


def test_rotate_action_makes_a_new_version_encrypt(owner_client, session_app, clock):
    app, _ = session_app
    first = session_key_current(app=app)
    act(owner_client, "rotate", first)
    assert session_key_current(app=app).version == 2
    first.refresh_from_db()
    assert first.state(clock.now) == "decrypt-only"
    assert first.retired_by.startswith("owner")


def test_revoke_action_retires_every_older_version_now(owner_client, session_app, clock):
    app, _ = session_app
    first = session_key_current(app=app)
    act(owner_client, "revoke", first)
    first.refresh_from_db()
    assert first.state(clock.now) == "retired"
    assert session_key_current(app=app).version == 2


def test_retire_action_refuses_the_current_version_with_a_message(owner_client, session_app, clock):
    app, _ = session_app
    current = session_key_current(app=app)
    page = act(owner_client, "retire", current).content.decode()
    assert "rotate" in page
    current.refresh_from_db()
    assert current.retires_at is None


def test_retire_action_ends_a_decrypt_only_version(owner_client, session_app, clock):
    app, _ = session_app
    first = session_key_current(app=app)
    session_key_rotate(app=app, actor=Actor.system())
    act(owner_client, "retire", first)
    first.refresh_from_db()
    assert first.state(clock.now) == "retired"


def test_submitted_sessions_are_listed_with_their_orders(
    owner_client, session_app, plan, member, clock
):
    from sessions_app.data import SessionData
    from sessions_app.services.sessions import order_session_create
    from sessions_app.services.submit import order_session_submit

    app, _ = session_app
    data = SessionData(plan_id=plan.pk, member_id=member.member_id)
    token = order_session_create(app=app, data=data, actor=Actor.app(app)).token
    order = order_session_submit(app=app, token=token, actor=Actor.app(app)).order
    page = owner_client.get("/admin/sessions_app/submittedsession/").content.decode()
    assert f"/admin/orders/order/{order.pk}/change/" in page
