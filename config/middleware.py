"""Request-level guards that run before any view."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

from config.api import json_error, validation_error, violation
from config.problems import problem_response, wants_problem_json
from config.views import API_PREFIXES, not_found


class BodySizeLimitMiddleware:
    """Refuse oversized bodies with a clear 413 before anything reads them.

    The limit is TALLY_MAX_BODY_BYTES, or a larger per-path limit for uploads (images).
    A missing or malformed Content-Length is left to Django's own DATA_UPLOAD_MAX_MEMORY_SIZE.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = self.limit_for(request.path)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return self.too_large(request, limit)
        return self.get_response(request)

    @staticmethod
    def limit_for(path: str) -> int:
        for prefix, limit in settings.TALLY_BODY_LIMIT_OVERRIDES.items():
            if path.startswith(prefix):
                return limit
        return settings.TALLY_MAX_BODY_BYTES

    @staticmethod
    def too_large(request: HttpRequest, limit: int) -> HttpResponse:
        message = f"The request body is larger than {limit} bytes."
        if wants_problem_json(request.path):
            return problem_response(413, "Payload Too Large", message, instance=request.path)
        return json_error(413, "PAYLOAD_TOO_LARGE", message)


class NulByteGuardMiddleware:
    """Keep a NUL character in the path or a query parameter away from every view.

    PostgreSQL text cannot hold U+0000, so a NUL that reached a query (an admin search, the
    price preview's coupon, a filter) failed there as a 500. No name, code, id or search term
    legitimately holds one: a query parameter with it is a 400, and a path with it names no
    resource, so it is that path's 404, in the envelope of the API it is under. Bodies need
    nothing here: DRF's and Django's form fields refuse a NUL, naming the field.
    """

    MESSAGE = "must not contain the NUL character."

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info:
            return not_found(request)
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            for key, values in request.GET.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return self.refused(request, key.replace("\x00", "\\0"))
        return self.get_response(request)

    def refused(self, request: HttpRequest, field: str) -> HttpResponse:
        if wants_problem_json(request.path):
            return problem_response(
                400,
                "Bad Request",
                f"{field} {self.MESSAGE}",
                instance=request.path,
                invalid_params=[{"name": field, "reason": self.MESSAGE}],
            )
        if request.path.startswith(API_PREFIXES):
            return JsonResponse(validation_error([violation(field, self.MESSAGE)]), status=400)
        return HttpResponseBadRequest(
            f"Bad request: {field} {self.MESSAGE}", content_type="text/plain"
        )


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Give every response an ``x-wix-request-id`` header (the official client reports it as
    ``err.details.requestId``), reusing a well-formed ``X-Request-Id`` sent by a proxy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = sent if _REQUEST_ID.match(sent) else uuid.uuid4().hex
        response = self.get_response(request)
        response["x-wix-request-id"] = request_id
        return response
