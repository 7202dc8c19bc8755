"""Views of the receipts API: parse, call one service, render. Errors are problem+json."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.caller import caller_of
from accounts.scopes import RECEIPTS_MANAGE, RECEIPTS_READ
from config.renderers import JSONRenderer
from receipts.api.problems import problem_exception_handler
from receipts.api.serializers import (
    ImageSerializer,
    OrderSerializer,
    ReceiptCorrectionSerializer,
    ReceiptSerializer,
    VersionQuerySerializer,
    receipt_body,
)
from receipts.errors import ImageNotFound
from receipts.selectors import image_visible_to
from receipts.services.images import image_get, image_upload
from receipts.services.order_metadata import (
    metadata_snapshot,
    order_metadata_get,
    order_metadata_replace,
)
from receipts.services.receipts import receipt_correct, receipt_get, receipt_store

# Served images can never become a document that runs anything, wherever they are opened.
IMAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "private, max-age=86400",
}


PROBLEM = OpenApiResponse(
    inline_serializer(
        "Problem",
        {
            "type": serializers.CharField(),
            "title": serializers.CharField(),
            "status": serializers.IntegerField(),
            "detail": serializers.CharField(),
            "instance": serializers.CharField(),
            "code": serializers.CharField(),
            "invalidParams": serializers.ListField(child=serializers.DictField(), required=False),
        },
    ),
    description="RFC 7807 problem (application/problem+json)",
)
ERRORS = {status: PROBLEM for status in (400, 401, 403, 404, 409, 413, 415)}
IMAGE_RESPONSE = inline_serializer("ImageResponse", {"imageId": serializers.CharField()})


class AnyAccept(BaseContentNegotiation):
    """Image bytes are what they are: an ``Accept: image/png`` client must not get a 406
    because the API's renderer speaks JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return JSONRenderer(), JSONRenderer.media_type


class ReceiptsAPIView(APIView):
    def get_exception_handler(self):
        return problem_exception_handler

    def actor(self, request: Request):
        return caller_of(request).actor

    def valid(self, serializer_class, request: Request):
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer


class ImageUploadView(ReceiptsAPIView):
    """POST or PUT /order-management/v1/image: 201 on the first upload, 200 on an exact
    replay. The draft's summary says POST and its own section PUT; both work alike."""

    required_scopes = RECEIPTS_MANAGE

    @extend_schema(
        request=ImageSerializer,
        responses={201: IMAGE_RESPONSE, 200: IMAGE_RESPONSE, **ERRORS},
        tags=["receipts"],
    )
    def post(self, request: Request) -> Response:
        data = self.valid(ImageSerializer, request).validated_data
        upload = image_upload(image_id=data["imageId"], src=data["src"], actor=self.actor(request))
        location = reverse("receipts:image", args=[upload.image.image_id])
        return Response(
            {"imageId": upload.image.image_id},
            status=201 if upload.created else 200,
            headers={"Location": location},
        )

    @extend_schema(
        request=ImageSerializer,
        responses={201: IMAGE_RESPONSE, 200: IMAGE_RESPONSE, **ERRORS},
        tags=["receipts"],
    )
    def put(self, request: Request) -> Response:
        return self.post(request)


class ImageFileView(ReceiptsAPIView):
    """GET /order-management/v1/image/{imageId}: the bytes, for apps with RECEIPTS.READ, the
    site owner, and the member whose order shows the image. Anyone else gets a 404."""

    content_negotiation_class = AnyAccept

    @extend_schema(
        responses={
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
            **ERRORS,
        },
        tags=["receipts"],
    )
    def get(self, request: Request, image_id: str) -> HttpResponse:
        image = image_get(image_id)
        if not image_visible_to(caller_of(request), image):
            raise ImageNotFound(f"No image has the imageId '{image_id}'.")
        etag = f'"{image.sha256}"'
        headers = {**IMAGE_HEADERS, "ETag": etag}
        if etag in request.headers.get("If-None-Match", ""):
            return HttpResponse(status=304, headers=headers)
        return HttpResponse(
            bytes(image.data),
            content_type=image.content_type,
            headers={
                **headers,
                "Content-Disposition": f'inline; filename="{image.filename}"',
            },
        )


class ReceiptView(ReceiptsAPIView):
    """POST|PUT|GET /order-management/v1/receipt/{transactionId}. POST and PUT are the same
    upload (the draft's summary says POST, its own section PUT)."""

    required_scopes = {"GET": RECEIPTS_READ, "POST": RECEIPTS_MANAGE, "PUT": RECEIPTS_MANAGE}

    @extend_schema(
        request=ReceiptSerializer, responses={201: ReceiptSerializer, **ERRORS}, tags=["receipts"]
    )
    def post(self, request: Request, transaction_id: str) -> Response:
        serializer = self.valid(ReceiptSerializer, request)
        receipt = receipt_store(
            transaction_id=transaction_id,
            actor=self.actor(request),
            **serializer.service_kwargs(),
        )
        return created(receipt, transaction_id)

    @extend_schema(
        request=ReceiptSerializer, responses={201: ReceiptSerializer, **ERRORS}, tags=["receipts"]
    )
    def put(self, request: Request, transaction_id: str) -> Response:
        return self.post(request, transaction_id)

    @extend_schema(
        parameters=[VersionQuerySerializer],
        responses={200: ReceiptSerializer, **ERRORS},
        tags=["receipts"],
    )
    def get(self, request: Request, transaction_id: str) -> Response:
        query = VersionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        version = query.validated_data.get("version")
        return Response(receipt_body(receipt_get(transaction_id, version=version)))


class ReceiptVersionsView(ReceiptsAPIView):
    """POST /order-management/v1/receipt/{transactionId}/versions (Tally's addition): a
    corrected receipt, stored as the next version with its reason."""

    required_scopes = RECEIPTS_MANAGE

    @extend_schema(
        request=ReceiptCorrectionSerializer,
        responses={201: ReceiptSerializer, 200: ReceiptSerializer, **ERRORS},
        tags=["receipts"],
    )
    def post(self, request: Request, transaction_id: str) -> Response:
        serializer = self.valid(ReceiptCorrectionSerializer, request)
        correction = receipt_correct(
            transaction_id=transaction_id,
            actor=self.actor(request),
            **serializer.service_kwargs(),
        )
        if not correction.created:
            return Response(receipt_body(correction.receipt))
        return created(correction.receipt, transaction_id)


def created(receipt, transaction_id: str) -> Response:
    location = reverse("receipts:receipt", args=[transaction_id])
    if receipt.version > 1:
        location += f"?version={receipt.version}"
    return Response(receipt_body(receipt), status=201, headers={"Location": location})


class OrderView(ReceiptsAPIView):
    """PUT|GET /order-management/v1/order/{transactionId}."""

    required_scopes = {"GET": RECEIPTS_READ, "PUT": RECEIPTS_MANAGE}

    @extend_schema(
        request=OrderSerializer, responses={200: OrderSerializer, **ERRORS}, tags=["receipts"]
    )
    def put(self, request: Request, transaction_id: str) -> Response:
        serializer = self.valid(OrderSerializer, request)
        metadata = order_metadata_replace(
            transaction_id=transaction_id,
            actor=self.actor(request),
            **serializer.service_kwargs(),
        )
        return Response(metadata_snapshot(metadata))

    @extend_schema(responses={200: OrderSerializer, **ERRORS}, tags=["receipts"])
    def get(self, request: Request, transaction_id: str) -> Response:
        return Response(metadata_snapshot(order_metadata_get(transaction_id)))
