"""DRF authentication by bearer token (``Authorization: Bearer <token>`` or the bare token):
an app or member token, or an app's one-hour access token from ``POST /accessToken/get``
(accounts/client_credentials.py), told apart by their shape.

The official Wix SDK sends ``Authorization: <apiKey>`` with its API-key strategy and an empty
``Authorization:`` header when it has no credentials; empty means "no credentials" (401 from
the permission check), never an error of its own.
"""

from __future__ import annotations

from rest_framework import authentication, exceptions

from accounts.caller import Caller
from accounts.client_credentials import (
    AccessTokenInvalid,
    access_token_caller,
    looks_like_access_token,
)
from accounts.models import App
from accounts.scopes import MEMBER_SCOPES
from accounts.services import token_owner


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        raw = self.token_from(header)
        if raw is None:
            return None
        if looks_like_access_token(raw):
            return self.access_token_owner(raw)
        owner = token_owner(raw)
        if owner is None:
            raise exceptions.AuthenticationFailed("The token is not valid.")
        if isinstance(owner, App):
            if not owner.is_active:
                raise exceptions.AuthenticationFailed("This app is disabled.")
            return owner, Caller(app=owner, scopes=frozenset(owner.scopes))
        if not owner.is_active:
            raise exceptions.AuthenticationFailed("This member account is disabled.")
        return owner, Caller(member=owner, scopes=MEMBER_SCOPES)

    def access_token_owner(self, raw: str):
        """An access token from ``POST /accessToken/get``: its secret and app are read from
        the database on every request, so a revoked secret or a disabled app is refused at
        once in every process."""
        try:
            caller = access_token_caller(raw)
        except AccessTokenInvalid as exc:
            raise exceptions.AuthenticationFailed(exc.message) from None
        return caller.app, caller

    def token_from(self, header: str) -> str | None:
        parts = (header or "").strip().split()
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        if len(parts) == 2 and parts[0].lower() == self.keyword:
            return parts[1]
        raise exceptions.AuthenticationFailed("Use 'Authorization: Bearer <token>'.")

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="tally"'
