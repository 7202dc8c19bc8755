"""Every receipts error leaves as an RFC 7807 problem (application/problem+json).

Field errors name each field by its JSON path in ``invalidParams``
(``orderLines[2].taxAmount``); domain errors add their stable ``code`` as an extension member.
"""

from __future__ import annotations

import math
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions

from config.api import flatten_drf_errors
from config.errors import DomainError
from config.problems import PROBLEM_CONTENT_TYPE, problem_body

_DRF_CODES = {
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "TOO_MANY_REQUESTS",
}


def problem(
    status: int,
    detail: str,
    *,
    instance: str,
    code: str,
    invalid_params: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    body: dict[str, Any] = problem_body(
        status,
        HTTPStatus(status).phrase,
        detail,
        instance=instance,
        invalid_params=invalid_params,
    )
    body["code"] = code
    return JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE, headers=headers)


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> JsonResponse | None:
    """The DRF exception handler of every receipts view."""
    instance = context["request"].path
    if isinstance(exc, DomainError):
        params = exc.data.get("invalidParams")
        return problem(
            exc.status, exc.message, instance=instance, code=exc.code, invalid_params=params
        )
    if isinstance(exc, exceptions.ValidationError):
        params = [
            {"name": v["field"], "reason": v["description"]} for v in flatten_drf_errors(exc.detail)
        ]
        return problem(
            400,
            "One or more fields are invalid.",
            instance=instance,
            code="INVALID_PARAMS",
            invalid_params=params,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    status = exc.status_code
    headers = {}
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(math.ceil(exc.wait))
    code = "INVALID_JSON" if isinstance(exc, exceptions.ParseError) else _DRF_CODES.get(status)
    return problem(
        status,
        _text(exc.detail),
        instance=instance,
        code=code or "ERROR",
        headers=headers,
    )


def _text(detail: Any) -> str:
    if isinstance(detail, list | tuple):
        return " ".join(str(d) for d in detail)
    if isinstance(detail, dict):
        return " ".join(_text(v) for v in detail.values())
    return str(detail)
