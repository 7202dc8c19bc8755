"""Accounts with Django's own auth views and forms: sign up, sign in and out, password reset
by email, change of email and password."""

from __future__ import annotations

import re

import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "violet-harbour-27"


def test_sign_up_makes_a_member_signed_in_with_the_email_as_username(client):
    response = client.post(
        "/accounts/sign-up/",
        {"email": "Nora@Example.com", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )
    assert response.status_code == 302
    member = User.objects.get(email__iexact="nora@example.com")
    assert member.username == member.email
    assert client.get("/account/orders/").status_code == 200


def test_sign_up_refuses_a_password_like_the_email(client):
    response = client.post(
        "/accounts/sign-up/",
        {
            "email": "violet.harbour@example.com",
            "password1": "violetharbour",
            "password2": "violetharbour",
        },
    )
    assert response.status_code == 400
    assert "too similar" in response.content.decode()
    assert not User.objects.exists()


def test_sign_up_returns_to_the_page_it_came_from(client, plan_factory):
    plan = plan_factory()
    target = f"/plans/{plan.pk}/checkout/"
    response = client.post(
        "/accounts/sign-up/",
        {
            "email": "n@example.com",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
            "next": target,
        },
    )
    assert response["Location"] == target


def test_sign_up_never_returns_to_another_site(client):
    response = client.post(
        "/accounts/sign-up/",
        {
            "email": "n@example.com",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
            "next": "https://evil.example.com/",
        },
    )
    assert response["Location"] == "/account/orders/"


def test_sign_up_refuses_a_weak_password_with_djangos_validators(client):
    response = client.post(
        "/accounts/sign-up/",
        {"email": "n@example.com", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 400
    assert "too common" in response.content.decode()
    assert not User.objects.filter(email="n@example.com").exists()


def test_sign_up_refuses_an_email_already_in_use(client, member):
    response = client.post(
        "/accounts/sign-up/",
        {"email": member.email.upper(), "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )
    assert response.status_code == 400
    assert "already exists" in response.content.decode()
    assert User.objects.filter(email__iexact=member.email).count() == 1


def test_sign_in_and_sign_out(client, member):
    response = client.post("/accounts/login/", {"username": "alice", "password": "pw-12345678"})
    assert response.status_code == 302
    assert client.get("/account/orders/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/account/orders/").status_code == 302


def test_password_reset_by_email_sets_a_new_password(client, member, mailoutbox):
    client.post("/accounts/password_reset/", {"email": member.email})
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(GOOD_PASSWORD)


def test_member_changes_their_email_with_their_password(client, member_factory):
    member = member_factory("z@example.com", email="z@example.com")
    client.force_login(member)
    response = client.post("/account/", {"email": "new@example.com", "password": "pw-12345678"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.email, member.username) == ("new@example.com", "new@example.com")


def test_email_change_refuses_a_wrong_password_and_changes_nothing(client, member):
    client.force_login(member)
    response = client.post("/account/", {"email": "new@example.com", "password": "wrong"})
    assert response.status_code == 400
    assert "password is not correct" in response.content.decode()
    member.refresh_from_db()
    assert member.email == "alice@example.com"


def test_email_change_refuses_another_members_address(client, member, other_member):
    client.force_login(member)
    response = client.post("/account/", {"email": other_member.email, "password": "pw-12345678"})
    assert response.status_code == 400
    assert "Another account uses this email" in response.content.decode()


def test_member_changes_their_password(client, member):
    client.force_login(member)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "pw-12345678",
            "new_password1": GOOD_PASSWORD,
            "new_password2": GOOD_PASSWORD,
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(GOOD_PASSWORD)


def test_every_form_post_needs_a_csrf_token(member):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    response = strict.post("/account/", {"email": "new@example.com", "password": "pw-12345678"})
    assert response.status_code == 403
