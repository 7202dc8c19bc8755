"""A token's owner is a recent read (config/readcache.py): read once, then kept for
TALLY_READ_CACHE_SECONDS, and forgotten by every change Tally makes to the token or its owner."""

from __future__ import annotations

import time

from accounts import services
from accounts.models import ApiToken
from config import clock


def test_a_token_is_looked_up_once_while_its_owner_is_kept(app_factory, django_assert_num_queries):
    app, token = app_factory()
    with django_assert_num_queries(1):
        assert services.token_owner(token) == app
    with django_assert_num_queries(0):
        assert services.token_owner(token) == app


def test_an_unknown_token_is_asked_of_the_database_every_time(db, django_assert_num_queries):
    for _ in range(2):
        with django_assert_num_queries(1):
            assert services.token_owner("tly_app_no-such-token") is None


def test_with_zero_seconds_every_lookup_reads_the_database(
    app_factory, settings, django_assert_num_queries
):
    settings.TALLY_READ_CACHE_SECONDS = 0
    app, token = app_factory()
    for _ in range(2):
        with django_assert_num_queries(1):
            assert services.token_owner(token) == app


def test_a_change_made_outside_tally_is_seen_once_the_copy_expires(app_factory, settings):
    settings.TALLY_READ_CACHE_SECONDS = 0.2
    app, token = app_factory()
    assert services.token_owner(token) == app
    # a bulk update sends no signal: only the copy's lifetime bounds how long it is trusted
    ApiToken.objects.filter(app=app).update(revoked_at=clock.now())
    time.sleep(0.3)
    assert services.token_owner(token) is None


def test_a_sign_in_keeps_the_members_tokens(member, django_assert_num_queries):
    token = services.member_token_issue(member=member)
    assert services.token_owner(token) == member
    member.save(update_fields=["last_login"])  # what a sign-in saves
    with django_assert_num_queries(0):
        assert services.token_owner(token) == member


def test_a_members_other_changes_forget_their_tokens(member, django_assert_num_queries):
    token = services.member_token_issue(member=member)
    assert services.token_owner(token) == member
    member.email = "new@example.com"
    member.save()
    with django_assert_num_queries(1):
        assert services.token_owner(token).email == "new@example.com"
