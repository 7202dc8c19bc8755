"""DRF authentication by bearer token (``Authorization: Bearer <token>`` or the bare token).

The official Wix SDK sends ``Authorization: <apiKey>`` with its API-key strategy and an empty
``Authorization:`` header when it has no credentials; empty means "no credentials" (401 from
the permission check), never an error of its own.
"""

from __future__ import annotations

from rest_framework import authentication, exceptions

from accounts.caller import Caller
from accounts.models import ApiToken
from accounts.scopes import MEMBER_SCOPES
from accounts.services import token_lookup


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        raw = self.token_from(header)
        if raw is None:
            return None
        token = token_lookup(raw)
        if token is None:
            raise exceptions.AuthenticationFailed("The token is not valid.")
        if token.kind == ApiToken.Kind.APP:
            if not token.app.is_active:
                raise exceptions.AuthenticationFailed("This app is disabled.")
            return token.app, Caller(app=token.app, scopes=frozenset(token.app.scopes))
        if not token.member.is_active:
            raise exceptions.AuthenticationFailed("This member account is disabled.")
        return token.member, Caller(member=token.member, scopes=MEMBER_SCOPES)

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
