"""DRF authentication by bearer token (``Authorization: Bearer <token>`` or the bare token).

The official Wix SDK sends ``Authorization: <apiKey>`` with its API-key strategy and an empty
``Authorization:`` header when it has no credentials; empty means "no credentials" (401 from
the permission check), never an error of its own.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
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


class AccessTokenAuthentication(BearerTokenAuthentication):
    """``Authorization: Bearer <access token>`` from ``POST /accessToken/get``. Anything that
    is not shaped like an access token is left to BearerTokenAuthentication (listed after
    this class). Each request reads the token's secret and app from the database, so a
    revoked secret or a disabled app is refused at once in every process."""

    def authenticate(self, request):
        raw = self.token_from(request.META.get("HTTP_AUTHORIZATION", ""))
        if raw is None or not looks_like_access_token(raw):
            return None
        try:
            caller = access_token_caller(raw)
        except AccessTokenInvalid as exc:
            raise exceptions.AuthenticationFailed(exc.message) from None
        return caller.app, caller


class AccessTokenScheme(OpenApiAuthenticationExtension):
    """Documents the access token of ``POST /accessToken/get`` (a JWT, as a Bearer token)."""

    target_class = "accounts.authentication.AccessTokenAuthentication"
    name = "accessToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
