"""Recent reads: kept when found, for TALLY_READ_CACHE_SECONDS, forgotten now and at commit."""

from __future__ import annotations

import threading
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


def test_every_reader_in_the_process_is_handed_the_kept_instance():
    row = {"id": 1}
    assert readcache.remembered("k", lambda: row) is row
    assert readcache.remembered("k", lambda: {"id": 2}) is row


def test_the_local_cache_keeps_what_pickle_cannot_copy():
    cache = readcache.LocalCache("test-local", {})
    unpicklable = threading.Lock()
    cache.set("lock", unpicklable, 60)
    assert cache.get("lock") is unpicklable


def test_the_local_cache_adds_counts_and_expires_as_djangos_does():
    cache = readcache.LocalCache("test-local-ops", {})
    assert cache.add("n", 1, 60) is True
    assert cache.add("n", 5, 60) is False
    assert cache.incr("n", 2) == 3
    assert cache.get("n") == 3
    cache.set("gone", "x", 0.1)
    time.sleep(0.15)
    assert cache.get("gone", "default") == "default"
    with pytest.raises(ValueError):
        cache.incr("gone")
