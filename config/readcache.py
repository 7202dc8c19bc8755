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
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
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
    """Django's per-process cache, the default ``reads`` backend, keeping each value as it is.

    Django's LocMemCache pickles every value on the way in and unpickles it on the way out, so
    that each reader gets a copy of its own: 8 to 16 us for one of these rows, most of what a
    recent read costs. What is kept here is rows no caller changes (a token's owner, a plan, a
    member) and numbers, so every reader in the process is handed the one instance, as
    Django's own per-process caches hand out theirs (``ContentType.objects.get_for_model``,
    ``Site.objects.get_current``). A change is made on a fresh instance, and its save forgets
    the kept one. A shared backend configured instead (Redis, Memcached) pickles as usual.

    Django also checks every key for characters Memcached would refuse, a loop over the key in
    Python on each read. The keys here are made by the code above from fixed prefixes, hex
    digests and UUIDs, so there is nothing to find (Django documents overriding
    ``validate_key`` for this).
    """

    def validate_key(self, key: str) -> None:
        return None

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        key = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            self._cache.move_to_end(key, last=False)
            return self._cache[key]

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        key = self.make_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        key = self.make_key(key, version=version)
        with self._lock:
            if not self._has_expired(key):
                return False
            self._set(key, value, timeout)
            return True

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        key = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            self._cache[key] += delta
            self._cache.move_to_end(key, last=False)
            return self._cache[key]
