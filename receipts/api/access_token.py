"""``POST /accessToken/get``: the first step of the Vipps documents, for Tally's apps.

The client sends its credentials as headers (``client_id``, ``client_secret``,
``Ocp-Apim-Subscription-Key``) and no body; the answer is the document's schema, every value a
string. ``Merchant-Serial-Number`` and the ``Vipps-System-*`` headers may come too and are
ignored. Every attempt counts toward the ``access_token`` throttle (per client address), and a
refused one also toward the API's failed-authentication budget (``config.throttling``), so
guessing secrets is slow as well as hopeless.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.client_credentials import (
    ACCESS_TOKEN_RESOURCE,
    AccessToken,
    ClientCredentialsInvalid,
    access_token_issue,
)
from config.throttling import AuthFailureThrottle, WindowThrottle
from receipts.api.views import ERRORS, ReceiptsAPIView

# WSGI servers see these as HTTP_CLIENT_ID, HTTP_CLIENT_SECRET (see receipts/devserver.py
# and docs/receipts.md for the servers that drop header names with an underscore).
REQUIRED_HEADERS = {
    "client_id": "HTTP_CLIENT_ID",
    "client_secret": "HTTP_CLIENT_SECRET",
    "Ocp-Apim-Subscription-Key": "HTTP_OCP_APIM_SUBSCRIPTION_KEY",
}
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

TOKEN_RESPONSE = inline_serializer(
    "AccessTokenResponse",
    {
        name: serializers.CharField()
        for name in (
            "token_type",
            "expires_in",
            "ext_expires_in",
            "expires_on",
            "not_before",
            "resource",
            "access_token",
        )
    },
)


class AccessTokenThrottle(WindowThrottle):
    """Attempts per client address, failed ones included, at TALLY_ACCESS_TOKEN_RATE."""

    scope = "access_token"

    def get_rate(self) -> str:
        return settings.TALLY_ACCESS_TOKEN_RATE

    def get_cache_key(self, request, view) -> str:
        return self.window_key(self.get_ident(request))


class AccessTokenView(ReceiptsAPIView):
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [AccessTokenThrottle]

    @extend_schema(
        request=None,
        responses={200: TOKEN_RESPONSE, **ERRORS},
        parameters=[
            OpenApiParameter(name, str, OpenApiParameter.HEADER, required=True)
            for name in REQUIRED_HEADERS
        ],
        tags=["receipts"],
        auth=[],
    )
    def post(self, request: Request) -> Response:
        values = {name: request.META.get(key, "").strip() for name, key in REQUIRED_HEADERS.items()}
        missing = [name for name, value in values.items() if not value]
        if missing:
            raise ClientCredentialsInvalid(f"The header {missing[0]} is required.")
        failures = AuthFailureThrottle()
        failures.check(request)  # past the address's failed-authentication budget: 429
        try:
            token = access_token_issue(
                client_id=values["client_id"], client_secret=values["client_secret"]
            )
        except ClientCredentialsInvalid:
            failures.record(request)
            raise
        return Response(token_body(token), headers=NO_STORE)


def token_body(token: AccessToken) -> dict[str, str]:
    """The document's answer: every value a string, times in unix seconds. Tally has no
    extended lifetime, so ``ext_expires_in`` equals ``expires_in``."""
    lifetime = str(int((token.expires_on - token.not_before).total_seconds()))
    return {
        "token_type": "Bearer",
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "expires_on": str(int(token.expires_on.timestamp())),
        "not_before": str(int(token.not_before.timestamp())),
        "resource": ACCESS_TOKEN_RESOURCE,
        "access_token": token.token,
    }
