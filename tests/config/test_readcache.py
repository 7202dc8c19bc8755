"""Recent reads: kept when found, for TALLY_READ_CACHE_SECONDS, forgotten now and at commit."""

from __future__ import annotations

import time

import pytest

from config import readcache

pytestmark = pytest.mark.django_db  # forgetting registers a callback on the transaction


def loader(values):
    calls = []

    def load():
        calls.append(1)
        return values[len(calls) - 1]

    return load, calls


def test_a_found_value_is_loaded_once_and_then_kept():
    load, calls = loader(["first", "second"])
    assert readcache.remembered("k", load) == "first"
    assert readcache.remembered("k", load) == "first"
    assert len(calls) == 1


def test_nothing_found_is_not_kept():
    load, calls = loader([None, "found"])
    assert readcache.remembered("k", load) is None
    assert readcache.remembered("k", load) == "found"
    assert len(calls) == 2


def test_forget_drops_the_copy():
    load, _ = loader(["first", "second"])
    readcache.remembered("k", load)
    readcache.forget("k")
    assert readcache.remembered("k", load) == "second"


def test_zero_seconds_turns_the_copies_off(settings):
    settings.TALLY_READ_CACHE_SECONDS = 0
    load, calls = loader(["first", "second"])
    assert [readcache.remembered("k", load) for _ in range(2)] == ["first", "second"]


def test_a_copy_expires_after_the_configured_seconds(settings):
    settings.TALLY_READ_CACHE_SECONDS = 0.2
    load, _ = loader(["first", "second"])
    readcache.remembered("k", load)
    time.sleep(0.3)
    assert readcache.remembered("k", load) == "second"


def test_a_copy_read_before_the_commit_is_forgotten_at_the_commit(
    django_capture_on_commit_callbacks,
):
    # given a change that forgot "k" inside its transaction, and a read of the old row after it
    load, _ = loader(["old row", "new row"])
    with django_capture_on_commit_callbacks(execute=True):
        readcache.forget("k")
        assert readcache.remembered("k", load) == "old row"
    # then the commit forgot that read too
    assert readcache.remembered("k", load) == "new row"
