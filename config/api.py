"""The Wix error envelope, shared by the pricing-plans API, order sessions and /api/v1.

Success is 200 with JSON. Errors are::

    {"message": "...", "details": {"applicationError": {"code", "description", "data"}}}
    {"message": "...", "details": {"validationError": {"fieldViolations": [...]}}}

The official client copies the status to ``err.status`` and reads ``code`` as a string, so a
string code is always sent, even for authentication and routing errors.
"""

from __future__ import annotations

import math
import threading
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from config.errors import DomainError, FieldError

_DRF_CODES = {
    exceptions.NotAuthenticated: ("UNAUTHENTICATED", 401),
    exceptions.AuthenticationFailed: ("UNAUTHENTICATED", 401),
    exceptions.PermissionDenied: ("PERMISSION_DENIED", 403),
    exceptions.NotFound: ("NOT_FOUND", 404),
    exceptions.MethodNotAllowed: ("METHOD_NOT_ALLOWED", 405),
    exceptions.NotAcceptable: ("NOT_ACCEPTABLE", 406),
    exceptions.UnsupportedMediaType: ("UNSUPPORTED_MEDIA_TYPE", 415),
    exceptions.Throttled: ("TOO_MANY_REQUESTS", 429),
    exceptions.ParseError: ("INVALID_JSON", 400),
}


def application_error(
    status: int, code: str, message: str, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "message": message,
        "details": {"applicationError": {"code": code, "description": message, "data": data or {}}},
    }


def validation_error(violations: list[dict[str, Any]]) -> dict[str, Any]:
    message = ", ".join(f'"{v["field"]}" {v["description"]}' for v in violations)
    return {
        "message": f"INVALID_ARGUMENT: {message}",
        "details": {"validationError": {"fieldViolations": violations}},
    }


def violation(field: str, description: str, rule: str = "FORMAT") -> dict[str, Any]:
    return {
        "field": field,
        "description": description,
        "violatedRule": rule,
        "ruleName": rule,
        "data": {},
    }


def flatten_drf_errors(detail: Any, prefix: str = "") -> list[dict[str, Any]]:
    """Turn DRF's nested error detail into field paths such as ``onBehalf.memberId``."""
    if isinstance(detail, dict):
        out: list[dict[str, Any]] = []
        for key, value in detail.items():
            if isinstance(key, int):  # DRF 3.18 reports list items as {index: errors}
                out.extend(flatten_drf_errors(value, f"{prefix}[{key}]"))
                continue
            name = "" if key == "non_field_errors" else str(key)
            path = f"{prefix}.{name}" if prefix and name else (prefix or name)
            out.extend(flatten_drf_errors(value, path))
        return out
    if isinstance(detail, list):
        if detail and all(isinstance(d, str) for d in detail):
            return [violation(prefix or "body", str(d), _rule_of(d)) for d in detail]
        out = []
        for i, value in enumerate(detail):
            out.extend(flatten_drf_errors(value, f"{prefix}[{i}]"))
        return out
    return [violation(prefix or "body", str(detail), _rule_of(detail))]


_RULES = {
    "required": "REQUIRED_FIELD",
    "null": "REQUIRED_FIELD",
    "max_value": "MAX",
    "min_value": "MIN",
    "max_length": "MAX_LENGTH",
    "min_length": "MIN_LENGTH",
    "invalid_sort_field": "invalid_sort_field",  # a ruleName the Wix contract declares
}


def _rule_of(detail: Any) -> str:
    return _RULES.get(str(getattr(detail, "code", "")), "FORMAT")


def wix_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler: every error leaves in the Wix envelope with a string code."""
    if isinstance(exc, FieldError):
        return Response(validation_error([violation(exc.field, exc.message, exc.rule)]), 400)
    if isinstance(exc, DomainError):
        return Response(application_error(exc.status, exc.code, exc.message, exc.data), exc.status)
    if isinstance(exc, exceptions.ValidationError):
        return Response(validation_error(flatten_drf_errors(exc.detail)), 400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.APIException):
        code, status = next(
            (v for k, v in _DRF_CODES.items() if isinstance(exc, k)),
            ("INTERNAL_ERROR", exc.status_code),
        )
        status = exc.status_code
        headers = {}
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            headers["WWW-Authenticate"] = 'Bearer realm="tally"'
        wait = getattr(exc, "wait", None)  # Throttled's seconds to wait (absent from the stubs)
        if isinstance(exc, exceptions.Throttled) and wait is not None:
            headers["Retry-After"] = str(math.ceil(wait))
        return Response(application_error(status, code, _text(exc.detail)), status, headers=headers)
    return None


def _text(detail: Any) -> str:
    if isinstance(detail, list | tuple):
        return " ".join(str(d) for d in detail)
    return str(detail)


def json_error(status: int, code: str, message: str) -> JsonResponse:
    """The envelope outside DRF (middleware, URL-level 404/500 handlers)."""
    return JsonResponse(application_error(status, code, message), status=status)


def parsed(serializer_class: type[serializers.Serializer], data: Any) -> Any:
    """``data`` validated by ``serializer_class`` (its ``validated_data``), or a 400 naming each
    bad field with the very errors of ``is_valid(raise_exception=True)``.

    Each thread validates with an instance of its own, made on the thread's first request:
    building a serializer's fields costs about 135 us a request (measured on a session create:
    157 us against 22), and ``run_validation`` keeps nothing on the instance. No instance is
    shared between threads. A refused body is validated again the usual way, so its errors
    are DRF's own, edge cases included.
    """
    try:
        return _validator(serializer_class).run_validation(data)
    except exceptions.ValidationError:
        serializer_class(data=data).is_valid(raise_exception=True)
        raise


_per_thread = threading.local()


def _validator(serializer_class: type[serializers.Serializer]) -> serializers.Serializer:
    """This thread's instance of ``serializer_class``."""
    mine = getattr(_per_thread, "validators", None)
    if mine is None:
        mine = _per_thread.validators = {}
    validator = mine.get(serializer_class)
    if validator is None:
        validator = mine[serializer_class] = serializer_class()
    return validator
