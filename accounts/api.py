"""`GET /api/v1/me`: who the credentials belong to and what they may do."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.caller import caller_of


class WhoAmIView(APIView):
    @extend_schema(
        responses=inline_serializer(
            "WhoAmI",
            {
                "kind": serializers.CharField(),
                "appDefId": serializers.CharField(required=False),
                "name": serializers.CharField(),
                "memberId": serializers.CharField(required=False),
                "scopes": serializers.ListField(child=serializers.CharField()),
            },
        )
    )
    def get(self, request: Request) -> Response:
        caller = caller_of(request)
        if caller is None:  # the permission classes let no anonymous request through
            raise exceptions.NotAuthenticated()
        body: dict[str, Any]
        if caller.app is not None:
            body = {"kind": "APP", "appDefId": str(caller.app.app_def_id), "name": caller.app.name}
        elif caller.member is not None:
            body = {
                "kind": "MEMBER",
                "memberId": str(caller.member.member_id),
                "name": caller.member.get_username(),
            }
        else:
            raise exceptions.NotAuthenticated()
        body["scopes"] = sorted(caller.scopes)
        return Response(body)
