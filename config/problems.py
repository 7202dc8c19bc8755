"""RFC 7807 problem details, the error format of the receipts API (/order-management/...).

{"type": "about:blank", "title": "Bad Request", "status": 400, "detail": "...",
 "instance": "/order-management/v1/receipt/abc",
 "invalidParams": [{"name": "orderLines[2].taxAmount", "reason": "..."}]}
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_PATH_PREFIXES = ("/order-management/", "/accessToken/")


def problem_body(
    status: int,
    title: str,
    detail: str,
    *,
    instance: str = "",
    invalid_params: list[dict[str, str]] | None = None,
    type_: str = "about:blank",
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": type_,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if invalid_params:
        body["invalidParams"] = invalid_params
    return body


def problem_response(status: int, title: str, detail: str, **kwargs: Any) -> JsonResponse:
    return JsonResponse(
        problem_body(status, title, detail, **kwargs),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def wants_problem_json(path: str) -> bool:
    return path.startswith(PROBLEM_PATH_PREFIXES)
