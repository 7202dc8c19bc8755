"""The error answers of the OpenAPI schema, documented in one place for every operation.

Each API answers its errors in one envelope, whatever view raised them (config/api.py for the
Wix envelope, receipts/api/problems.py for RFC 7807 problems), and the transport errors (bad
JSON, no or bad credentials, a missing scope, an unknown id or path, an unacceptable
``Accept``, a body too large or of another type, too many requests) can come from any
operation. So instead of every view repeating them, this drf-spectacular postprocessing hook
adds them to every operation under an API prefix, with the exact schema and media type the
answer has; a view documents only its own success answers and the statuses particular to it
(409 for a transition the order's state refuses).
"""

from __future__ import annotations

from typing import Any

from config.problems import PROBLEM_CONTENT_TYPE, PROBLEM_PATH_PREFIXES
from config.views import API_PREFIXES

WIX_ERROR = "WixError"
PROBLEM = "Problem"

_STRING = {"type": "string"}
_WIX_ERROR_SCHEMA = {
    "type": "object",
    "description": "The Wix error envelope: an applicationError with a string code, or a "
    "validationError naming each bad field.",
    "required": ["message", "details"],
    "properties": {
        "message": _STRING,
        "details": {
            "type": "object",
            "properties": {
                "applicationError": {
                    "type": "object",
                    "required": ["code", "description", "data"],
                    "properties": {
                        "code": _STRING,
                        "description": _STRING,
                        "data": {"type": "object"},
                    },
                },
                "validationError": {
                    "type": "object",
                    "required": ["fieldViolations"],
                    "properties": {
                        "fieldViolations": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["field", "description", "violatedRule"],
                                "properties": {
                                    "field": _STRING,
                                    "description": _STRING,
                                    "violatedRule": _STRING,
                                    "ruleName": _STRING,
                                    "data": {"type": "object"},
                                },
                            },
                        }
                    },
                },
            },
        },
    },
}
_PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An RFC 7807 problem; `code` is stable, `invalidParams` names each bad field.",
    "required": ["type", "title", "status", "detail", "instance"],
    "properties": {
        "type": _STRING,
        "title": _STRING,
        "status": {"type": "integer"},
        "detail": _STRING,
        "instance": _STRING,
        "code": _STRING,
        "invalidParams": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "reason"],
                "properties": {"name": _STRING, "reason": _STRING},
            },
        },
    },
}

# (path prefix, schema name, media type): the envelope each API answers errors in.
_ENVELOPES = (
    *((prefix, PROBLEM, PROBLEM_CONTENT_TYPE) for prefix in PROBLEM_PATH_PREFIXES),
    *((prefix, WIX_ERROR, "application/json") for prefix in API_PREFIXES),
)
_ANY_OPERATION = {
    "400": "Invalid input: a field, the query, or the JSON itself.",
    "401": "No credentials, or credentials that are not valid.",
    "403": "The credentials lack a scope the operation needs.",
    "404": "No such resource, or one the caller may not see.",
    "406": "The `Accept` header asks for a type the operation cannot answer in.",
    "429": "Too many requests: wait the seconds `Retry-After` says.",
}
_WITH_BODY = {
    "413": "The request body is larger than the limit.",
    "415": "The request body is not JSON.",
}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }
}
_METHODS = {"get", "post", "put", "patch", "delete"}


def document_errors(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``: every error answer, every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[WIX_ERROR] = _WIX_ERROR_SCHEMA
    schemas[PROBLEM] = _PROBLEM_SCHEMA
    for path, operations in result.get("paths", {}).items():
        envelope = next((e for e in _ENVELOPES if path.startswith(e[0])), None)
        if envelope is None:
            continue
        for method, operation in operations.items():
            if method in _METHODS:
                _document(operation, envelope)
    return result


def _document(operation: dict[str, Any], envelope: tuple[str, str, str]) -> None:
    _, name, media_type = envelope
    statuses = dict(_ANY_OPERATION)
    if "requestBody" in operation:
        statuses.update(_WITH_BODY)
    responses = operation.setdefault("responses", {})
    errors = {s for s in responses if s[:1] in "45"} | set(statuses)
    for status in sorted(errors):
        described = responses.get(status, {}).get("description") or statuses.get(status, "")
        answer: dict[str, Any] = {
            "description": described,
            "content": {media_type: {"schema": {"$ref": f"#/components/schemas/{name}"}}},
        }
        if status == "429":
            answer["headers"] = _RETRY_AFTER
        responses[status] = answer
