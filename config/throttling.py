"""API throttling: per caller, per client address, and failed authentications apart.

Four budgets, each a rate in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` set from the
environment (docs/operations.md):

- ``caller``: requests per token (an app, or a member's token or session);
- ``address``: requests per client address, signed in or not;
- ``anonymous``: requests without credentials per client address (the few calls open to
  site visitors, such as the public plans), a smaller budget than ``address``;
- ``auth_failures``: failed authentications per client address. Past it, every request that
  carries credentials from that address is refused, right ones included, until the window
  ends: a guesser learns nothing more, however fast it sends.

Over a budget the answer is 429 with ``Retry-After`` in the API's own envelope. Counts live in
the ``throttle`` cache (``CACHES`` in config/settings.py): per process by default, shared by
every process once that alias points at a shared backend.

DRF's ``SimpleRateThrottle`` keeps the timestamp of every request of the window in one cache
entry and stores the whole list again on each request, so its cost grows with the rate. These
throttles keep DRF's rates, scopes, client addresses (``NUM_PROXIES``) and ``Throttled``, and
count in fixed windows instead: one ``add`` and one ``incr`` per request, whatever the rate.
"""

from __future__ import annotations

from django.core.cache import caches
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.authentication import BearerTokenAuthentication
from accounts.caller import caller_of


class WindowThrottle(SimpleRateThrottle):
    """A DRF rate counted in fixed windows of its period."""

    cache_format = "throttle:%(scope)s:%(ident)s:%(window)d"
    # Set by SimpleRateThrottle.__init__ from the rate; read only when a rate is set.
    num_requests: int
    duration: int

    def __init__(self) -> None:
        super().__init__()
        self.cache = caches["throttle"]

    def get_rate(self) -> str | None:
        """The scope's rate as configured now (DRF's reads the rates once, at import)."""
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")
        return None if rate is None else str(rate)

    def window_key(self, ident: str) -> str:
        self.now = self.timer()
        window = int(self.now // self.duration)
        return self.cache_format % {"scope": self.scope, "ident": ident, "window": window}

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        return self.count(self.key) <= self.num_requests

    def count(self, key: str) -> int:
        """This request's number in its window (the window's entry expires with it)."""
        self.cache.add(key, 0, self.duration)
        try:
            return self.cache.incr(key)
        except ValueError:  # the window expired between add and incr
            self.cache.add(key, 1, self.duration)
            return 1

    def wait(self) -> float:
        return self.duration - (self.now % self.duration)


class CallerRateThrottle(WindowThrottle):
    """Requests per token: an app, or a member (by token or site session)."""

    scope = "caller"

    def get_cache_key(self, request, view) -> str | None:
        caller = caller_of(request)
        if caller is None:
            return None
        if caller.app is not None:
            return self.window_key(f"app{caller.app.pk}")
        if caller.member is not None:
            return self.window_key(f"member{caller.member.pk}")
        return None


class AddressRateThrottle(WindowThrottle):
    """Requests per client address, whoever is calling."""

    scope = "address"

    def get_cache_key(self, request, view) -> str:
        return self.window_key(self.get_ident(request))


class AnonymousRateThrottle(WindowThrottle):
    """Requests without credentials, per client address: visitors read only the public
    calls, and need far fewer than an integration."""

    scope = "anonymous"

    def get_cache_key(self, request, view) -> str | None:
        if caller_of(request) is not None:
            return None
        return self.window_key(self.get_ident(request))


class AuthFailureThrottle(WindowThrottle):
    """Failed authentications per client address: counted on failure, checked before any
    token is looked up."""

    scope = "auth_failures"

    def check(self, request) -> None:
        """Refuse (429) while this address has used up its failures."""
        if self.rate is None:
            return
        key = self.window_key(self.get_ident(request))
        if (self.cache.get(key) or 0) >= self.num_requests:
            raise exceptions.Throttled(wait=self.wait())

    def record(self, request) -> None:
        if self.rate is not None:
            self.count(self.window_key(self.get_ident(request)))


class GuardedBearerTokenAuthentication(BearerTokenAuthentication):
    """Bearer tokens, with failed attempts counted per client address and refused past the
    ``auth_failures`` budget before the token is even looked up."""

    def authenticate(self, request):
        if not request.META.get("HTTP_AUTHORIZATION"):
            return None  # no credentials: nothing to guess, nothing to count
        failures = AuthFailureThrottle()
        failures.check(request)
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            failures.record(request)
            raise
