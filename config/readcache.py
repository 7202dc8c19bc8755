"""Short-lived copies of the few rows every API call reads: "recent reads".

An API call authenticates (the token's owner) and a session create checks its plan, its
member and the app's current key version. Those rows change rarely, and reading them from the
database costs more than the rest of the call, so each process keeps a copy for at most
``TALLY_READ_CACHE_SECONDS`` (default 5; 0 turns the copies off).

Every change Tally makes to such a row forgets its copy at once and again when the change
commits (``forget``), so in the process that made the change the next read is fresh. Another
process sees the change when its copy expires, at most ``TALLY_READ_CACHE_SECONDS`` later,
unless the ``reads`` cache is one shared by all processes (Django's cache framework: a Redis or
Memcached backend in ``CACHES``), where the change is seen everywhere at once.

Only what is found is kept: an unknown token or plan is asked of the database every time, so
guessing fills no memory.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction

T = TypeVar("T")
ALIAS = "reads"


def remembered(key: str, load: Callable[[], T | None]) -> T | None:
    """The copy kept under ``key``, or ``load()`` (kept when it is not None)."""
    seconds = settings.TALLY_READ_CACHE_SECONDS
    if seconds <= 0:
        return load()
    cache = caches[ALIAS]
    value = cache.get(key)
    if value is None:
        value = load()
        if value is not None:
            cache.set(key, value, seconds)
    return value


def forget(*keys: str) -> None:
    """Drop the copies under ``keys`` now and once the current transaction commits (a read
    between the two, of the row as it was before the change, is dropped the second time)."""
    if not keys:
        return
    caches[ALIAS].delete_many(keys)
    transaction.on_commit(lambda: caches[ALIAS].delete_many(keys))


def forget_all() -> None:
    """Drop every copy this process keeps (tests start from none)."""
    caches[ALIAS].clear()


class LocalCache(LocMemCache):
    """Django's per-process cache, the default ``reads`` backend, without its key check.

    Django checks every key for characters Memcached would refuse, a loop over the key in
    Python on each read. The keys here are made by the code above from fixed prefixes, hex
    digests and UUIDs, so there is nothing to find (Django documents overriding
    ``validate_key`` for this); a Memcached backend configured instead keeps its own check.
    """

    def validate_key(self, key: str) -> None:
        return None
