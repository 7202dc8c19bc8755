"""`GET /api/v1/me`: who the credentials belong to and what they may do."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
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
        if caller.app is not None:
            body = {"kind": "APP", "appDefId": str(caller.app.app_def_id), "name": caller.app.name}
        else:
            body = {
                "kind": "MEMBER",
                "memberId": str(caller.member.member_id),
                "name": caller.member.get_username(),
            }
        body["scopes"] = sorted(caller.scopes)
        return Response(body)
