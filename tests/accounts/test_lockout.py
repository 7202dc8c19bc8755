"""Sign-in lockout (django-axes): repeated wrong passwords pause sign-in for that username
from that address, at the admin and the member login alike, and the page says what to do."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"
MEMBER_LOGIN = "/accounts/login/"


def _sign_in(client: Client, path: str, username: str, password: str):
    return client.post(path, {"username": username, "password": password})


@pytest.mark.parametrize("path", [ADMIN_LOGIN, MEMBER_LOGIN])
def test_the_right_password_after_too_many_wrong_ones_does_not_sign_in(
    client, owner, settings, path
):
    # given as many wrong passwords as the limit allows
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, path, "owner", "wrong-password")
    # when the right one follows
    response = _sign_in(client, path, "owner", "owner-pass-123")
    # then sign-in is paused, and the page says for how long and what to do
    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in paused" in page and "15 minutes" in page and "site owner" in page
    assert "_auth_user_id" not in client.session


def test_a_pause_is_per_username_so_others_still_sign_in(client, owner, member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, MEMBER_LOGIN, "owner", "wrong-password")
    response = _sign_in(client, MEMBER_LOGIN, "alice", "pw-12345678")
    assert response.status_code == 302


def test_fewer_failures_than_the_limit_still_sign_in(client, owner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, ADMIN_LOGIN, "owner", "wrong-password")
    response = _sign_in(client, ADMIN_LOGIN, "owner", "owner-pass-123")
    assert response.status_code == 302


@pytest.mark.parametrize(
    "password", ["short1", "password123", "12345678901234", "alice-example-com"]
)
def test_weak_passwords_are_refused_by_djangos_validators(member, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=member)


def test_the_admins_add_member_form_refuses_a_common_password(client, owner):
    client.force_login(owner)
    form = {"username": "carol", "password1": "password123", "password2": "password123"}
    form["usable_password"] = "true"
    response = client.post("/admin/accounts/user/add/", form)
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
