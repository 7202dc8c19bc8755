"""Keys and rotation (contract section 2): HKDF per (app, version) from ordered master secrets,
versions in the database, rotation with a grace period, retirement, emergency revoke."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from jwcrypto.common import base64url_decode

from accounts.actors import Actor
from sessions_app import keys
from sessions_app.errors import OrderSessionNotFound, SessionKeyError
from sessions_app.keys import SessionKeysNotConfigured
from sessions_app.models import SessionKeyVersion
from sessions_app.services.keys import (
    GRACE,
    session_key_current,
    session_key_retire,
    session_key_rotate,
)
from sessions_app.services.tokens import token_open
from tests.sessions_app.conftest import MASTER, OLDER_MASTER, seal_for

OWNER = Actor.system("test owner")


def test_each_app_and_version_has_its_own_key():
    master = keys.current_master()
    a1, a2, b1 = (
        keys.derive_key(master, "app-a", 1),
        keys.derive_key(master, "app-a", 2),
        keys.derive_key(master, "app-b", 1),
    )
    assert len({a1.export(), a2.export(), b1.export()}) == 3
    assert keys.derive_key(master, "app-a", 1).export() == a1.export()  # deterministic


def test_keys_are_256_bit():
    key = keys.derive_key(keys.current_master(), "app", 1)
    assert len(base64url_decode(key.get_op_key("encrypt"))) == 32


@pytest.mark.parametrize(
    "entries",
    [["no-separator"], ["bad id!:" + "s" * 40], ["k1:short"], [MASTER, MASTER]],
    ids=["no-colon", "bad-id", "short-secret", "duplicate-id"],
)
def test_malformed_master_secrets_are_a_configuration_error(session_keys, entries):
    session_keys.TALLY_ORDER_SESSION_KEYS = entries
    with pytest.raises(ImproperlyConfigured):
        keys.master_secrets()


def test_without_master_secrets_sessions_are_unavailable(session_keys, session_app):
    session_keys.TALLY_ORDER_SESSION_KEYS = []
    app, _ = session_app
    with pytest.raises(SessionKeysNotConfigured):
        seal_for(app)


def test_the_database_holds_versions_not_keys(session_app):
    app, _ = session_app
    seal_for(app)
    key = SessionKeyVersion.objects.get(app=app)
    stored = {f.name: getattr(key, f.attname) for f in SessionKeyVersion._meta.fields}
    secret = keys.current_master().secret.decode()
    assert not any(secret in str(v) for v in stored.values())


def test_first_session_of_an_app_makes_key_version_1(session_app, clock):
    app, _ = session_app
    assert not SessionKeyVersion.objects.filter(app=app).exists()
    seal_for(app)
    assert session_key_current(app=app).version == 1


def test_kid_names_master_and_version(session_app, clock):
    from tests.sessions_app.test_codec import header_of

    app, _ = session_app
    session_key_rotate(app=app, actor=OWNER)
    assert header_of(seal_for(app))["kid"] == "k1.1"
    session_key_rotate(app=app, actor=OWNER)
    assert header_of(seal_for(app))["kid"] == "k1.2"


def test_rotation_makes_the_new_version_encrypt(session_app, clock):
    app, _ = session_app
    seal_for(app)
    new = session_key_rotate(app=app, actor=OWNER)
    assert new.version == 2
    assert session_key_current(app=app) == new


def test_token_under_previous_key_works_within_grace_period_and_not_after(session_app, clock):
    # given: a token made under version 1, then a rotation
    app, _ = session_app
    token = seal_for(app, ttl=172800)
    session_key_rotate(app=app, actor=OWNER)
    # when: just before the grace period ends
    clock.advance(GRACE - timedelta(seconds=1))
    # then: the old version still decrypts (the token itself is 60 s into its leeway)
    assert token_open(app=app, token=token).claims["app"] == str(app.app_def_id)
    # when: the grace period is over
    clock.advance(seconds=1)
    # then: the version is retired and the token is not found
    with pytest.raises(OrderSessionNotFound):
        token_open(app=app, token=token)


def test_the_app_row_names_the_version_that_encrypts(session_app, clock):
    # given an app's first version, then a rotation and a revoke
    app, _ = session_app
    seal_for(app)
    versions = [type(app).objects.get(pk=app.pk).session_key_version]
    for revoke in (False, True):
        session_key_rotate(app=type(app).objects.get(pk=app.pk), actor=OWNER, revoke=revoke)
        versions.append(type(app).objects.get(pk=app.pk).session_key_version)
    # then the row always names the current version
    assert versions == [1, 2, 3]
    assert session_key_current(app=app).version == 3


def test_grace_is_the_longest_session_lifetime_plus_leeway():
    assert GRACE == timedelta(hours=48, seconds=61)  # the leeway's last second included


def test_revoke_retires_older_versions_at_once(session_app, clock):
    app, _ = session_app
    token = seal_for(app)
    session_key_rotate(app=app, actor=OWNER, revoke=True)
    with pytest.raises(OrderSessionNotFound):
        token_open(app=app, token=token)
    assert token_open(app=app, token=seal_for(app))  # new sessions work


def test_revoke_of_one_app_leaves_other_apps_alone(session_app, other_app, clock):
    app, _ = session_app
    other, _ = other_app
    token = seal_for(other)
    session_key_rotate(app=app, actor=OWNER, revoke=True)
    assert token_open(app=other, token=token)


def test_retire_ends_a_decrypt_only_version_now(session_app, clock):
    app, _ = session_app
    token = seal_for(app)
    session_key_rotate(app=app, actor=OWNER)
    old = SessionKeyVersion.objects.get(app=app, version=1)
    session_key_retire(key_version=old, actor=OWNER)
    with pytest.raises(OrderSessionNotFound):
        token_open(app=app, token=token)


def test_retire_refuses_the_version_that_encrypts(session_app, clock):
    app, _ = session_app
    current = session_key_current(app=app)
    with pytest.raises(SessionKeyError):
        session_key_retire(key_version=current, actor=OWNER)


def test_first_master_secret_encrypts_and_the_others_only_decrypt(session_keys, session_app, clock):
    # given: a token made under the older master secret
    app, _ = session_app
    session_keys.TALLY_ORDER_SESSION_KEYS = [OLDER_MASTER]
    token = seal_for(app)
    # when: a new master secret is put first
    session_keys.TALLY_ORDER_SESSION_KEYS = [MASTER, OLDER_MASTER]
    # then: the old token still opens, and new tokens are made under the new secret
    assert token_open(app=app, token=token)
    from tests.sessions_app.test_codec import header_of

    assert header_of(seal_for(app))["kid"].startswith("k1.")


def test_token_of_a_removed_master_secret_is_not_found(session_keys, session_app, clock):
    app, _ = session_app
    session_keys.TALLY_ORDER_SESSION_KEYS = [OLDER_MASTER]
    token = seal_for(app)
    session_keys.TALLY_ORDER_SESSION_KEYS = [MASTER]
    with pytest.raises(OrderSessionNotFound):
        token_open(app=app, token=token)


def test_command_rotates_the_named_app(session_app, clock):
    app, _ = session_app
    seal_for(app)
    out = StringIO()
    call_command("rotate_session_keys", app.name, stdout=out)
    assert session_key_current(app=app).version == 2
    assert "version 2" in out.getvalue()


def test_command_revoke_retires_at_once(session_app, clock):
    app, _ = session_app
    token = seal_for(app)
    call_command("rotate_session_keys", str(app.app_def_id), "--revoke", stdout=StringIO())
    with pytest.raises(OrderSessionNotFound):
        token_open(app=app, token=token)


def test_command_all_rotates_every_app(session_app, other_app, clock):
    call_command("rotate_session_keys", "--all", stdout=StringIO())
    assert SessionKeyVersion.objects.filter(retires_at__isnull=True).count() == 2


def test_command_list_shows_versions_and_changes_nothing(session_app, clock):
    app, _ = session_app
    session_key_rotate(app=app, actor=OWNER)
    out = StringIO()
    call_command("rotate_session_keys", app.name, "--list", stdout=out)
    assert "v1\tcurrent" in out.getvalue()
    assert SessionKeyVersion.objects.filter(app=app).count() == 1


def test_command_refuses_an_unknown_app(db):
    with pytest.raises(CommandError):
        call_command("rotate_session_keys", "no such app", stdout=StringIO())


def test_command_needs_apps_or_all(db):
    with pytest.raises(CommandError):
        call_command("rotate_session_keys", stdout=StringIO())


def test_malformed_master_secrets_fail_the_startup_check(session_keys):
    from sessions_app.system_checks import order_session_keys_check

    session_keys.TALLY_ORDER_SESSION_KEYS = ["k1:short"]
    assert [e.id for e in order_session_keys_check()] == ["sessions_app.E001"]
    session_keys.TALLY_ORDER_SESSION_KEYS = [MASTER]
    assert order_session_keys_check() == []


def test_each_caller_gets_a_key_object_of_its_own():
    """A JWK is a mutable dict: two requests (threads) must never hold the same one."""
    master = keys.current_master()
    first = keys.derive_key(master, "app-a", 1)
    second = keys.derive_key(master, "app-a", 1)
    assert first is not second
    assert first.export() == second.export()
