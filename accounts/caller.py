"""The caller of an API request: an app or a member, with the scopes they hold."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.actors import Actor
from accounts.models import App, User
from accounts.scopes import MEMBER_SCOPES


@dataclass(frozen=True)
class Caller:
    app: App | None = None
    member: User | None = None
    scopes: frozenset[str] = frozenset()

    @property
    def actor(self) -> Actor:
        if self.app is not None:
            return Actor.app(self.app)
        assert self.member is not None
        return Actor.member(self.member)

    @property
    def is_member(self) -> bool:
        return self.app is None and self.member is not None


def caller_of(request) -> Caller | None:
    """Who is calling: set by BearerTokenAuthentication, or a member signed in to the site."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, Caller):
        return auth
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated and user.is_active:
        return Caller(member=user, scopes=MEMBER_SCOPES)
    return None
