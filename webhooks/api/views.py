"""``/api/v1/webhook-endpoints``: an app's webhook endpoints, their deliveries and replays,
and ``/.well-known/jwks.json`` (contract sections 1 and 2).

Same authentication and Wix error envelope as the rest of /api/v1; the caller must be an app
holding ``WEBHOOKS.MANAGE``, and sees only its own endpoints (another app's is 404).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import App
from accounts.scopes import WEBHOOKS_MANAGE
from config.api import parsed
from orders.api.base import WixView
from webhooks import selectors
from webhooks.api import serializers
from webhooks.services import endpoints, keys, replay
from webhooks.wire import delivery_to_wire, endpoint_to_wire

TAG = "Tally v1: webhooks"
ENDPOINT_ID = OpenApiParameter(
    "endpoint_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="The endpoint's id."
)


def _answer(description: str) -> OpenApiResponse:
    return OpenApiResponse(OpenApiTypes.OBJECT, description=description)


class EndpointsView(WixView):
    required_scopes = WEBHOOKS_MANAGE

    def app(self, request: Request) -> App:
        caller = self.caller(request)
        assert caller.app is not None  # members never hold WEBHOOKS.MANAGE
        return caller.app


@extend_schema(tags=[TAG])
class EndpointListView(EndpointsView):
    @extend_schema(operation_id="listWebhookEndpoints", responses={200: _answer("`{endpoints}`")})
    def get(self, request: Request) -> Response:
        found = selectors.endpoint_list(app=self.app(request))
        return Response({"endpoints": [endpoint_to_wire(e) for e in found]})

    @extend_schema(
        operation_id="createWebhookEndpoint",
        request=serializers.CreateEndpointBody,
        responses={201: _answer("`{endpoint, secret?}`: the secret is shown once.")},
    )
    def post(self, request: Request) -> Response:
        body = parsed(serializers.CreateEndpointBody, request.data)
        endpoint, secret = endpoints.webhook_endpoint_create(
            app=self.app(request),
            url=body["url"],
            event_types=body.get("eventTypes"),
            format=body["format"],
            description=body.get("description", ""),
            enabled=body["enabled"],
        )
        reply = {"endpoint": endpoint_to_wire(endpoint)}
        if secret:
            reply["secret"] = secret
        return Response(reply, status=201)


@extend_schema(tags=[TAG])
class EndpointView(EndpointsView):
    @extend_schema(
        operation_id="getWebhookEndpoint",
        parameters=[ENDPOINT_ID],
        responses={200: _answer("`{endpoint}`")},
    )
    def get(self, request: Request, endpoint_id: str) -> Response:
        endpoint = endpoints.endpoint_get(endpoint_id, app=self.app(request))
        return Response({"endpoint": endpoint_to_wire(endpoint)})

    @extend_schema(
        operation_id="updateWebhookEndpoint",
        parameters=[ENDPOINT_ID],
        request=serializers.EndpointBody,
        responses={200: _answer("`{endpoint}`")},
    )
    def patch(self, request: Request, endpoint_id: str) -> Response:
        body = parsed(serializers.EndpointBody, request.data)
        endpoint = endpoints.webhook_endpoint_update(
            endpoint_id,
            app=self.app(request),
            url=body.get("url"),
            event_types=body.get("eventTypes"),
            description=body.get("description"),
            enabled=body.get("enabled"),
        )
        return Response({"endpoint": endpoint_to_wire(endpoint)})

    @extend_schema(
        operation_id="deleteWebhookEndpoint",
        parameters=[ENDPOINT_ID],
        responses={200: _answer("Always `{}`.")},
    )
    def delete(self, request: Request, endpoint_id: str) -> Response:
        endpoints.webhook_endpoint_delete(endpoint_id, app=self.app(request))
        return self.done()


@extend_schema(tags=[TAG])
class RotateSecretView(EndpointsView):
    @extend_schema(
        operation_id="rotateWebhookSecret",
        parameters=[ENDPOINT_ID],
        request=None,
        responses={200: _answer("`{endpoint, secret}`: the new secret, shown once.")},
    )
    def post(self, request: Request, endpoint_id: str) -> Response:
        endpoint, secret = endpoints.webhook_endpoint_rotate_secret(
            endpoint_id, app=self.app(request)
        )
        return Response({"endpoint": endpoint_to_wire(endpoint), "secret": secret})


@extend_schema(tags=[TAG])
class DeliveriesView(EndpointsView):
    @extend_schema(
        operation_id="listWebhookDeliveries",
        parameters=[ENDPOINT_ID, serializers.DeliveriesQuery],
        responses={200: _answer("`{deliveries, pagingMetadata}`")},
    )
    def get(self, request: Request, endpoint_id: str) -> Response:
        query = parsed(serializers.DeliveriesQuery, request.query_params.dict())
        endpoint = endpoints.endpoint_get(endpoint_id, app=self.app(request))
        found = selectors.delivery_list(
            endpoint,
            status=query.get("status"),
            order_id=query.get("orderId"),
            event_type=query.get("eventType"),
        )
        offset, limit = query["offset"], query["limit"]
        page = list(found[offset : offset + limit + 1])
        return Response(
            {
                "deliveries": [delivery_to_wire(d) for d in page[:limit]],
                "pagingMetadata": {
                    "count": len(page[:limit]),
                    "offset": offset,
                    "hasNext": len(page) > limit,
                },
            }
        )


@extend_schema(tags=[TAG])
class ReplayView(EndpointsView):
    @extend_schema(
        operation_id="replayWebhookEvents",
        parameters=[ENDPOINT_ID],
        request=serializers.ReplayBody,
        responses={200: _answer("`{queued}`: how many deliveries were queued.")},
    )
    def post(self, request: Request, endpoint_id: str) -> Response:
        body = parsed(serializers.ReplayBody, request.data)
        queued = replay.webhook_replay(
            endpoint_id,
            app=self.app(request),
            event_ids=body.get("eventIds"),
            order_id=body.get("orderId"),
            since=body.get("since"),
            until=body.get("until"),
            only_failed=body["onlyFailed"],
        )
        return Response({"queued": queued})


@extend_schema(tags=[TAG], auth=[])
class JwksView(APIView):
    """The public keys that verify Wix-format deliveries; no authentication."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(operation_id="getWebhookJwks", responses={200: _answer("A JWK Set.")})
    def get(self, request: Request) -> Response:
        return Response(keys.jwks(), headers={"Cache-Control": "public, max-age=300"})
