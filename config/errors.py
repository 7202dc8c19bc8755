"""The one family of domain errors every app raises.

A service raises a subclass with a stable ``code``; each interface maps it once: the API to
its wire envelope (config/api.py), the admin and pages to a message. Codes are part of the
contract, so tests compare them verbatim.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule refused the request. Nothing was changed."""

    status: int = 400
    code: str = "INVALID_REQUEST"
    message: str = "The request was refused."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.data = data or {}
        super().__init__(self.message)


class InvalidError(DomainError):
    """The input breaks a rule (400)."""

    status = 400


class NotFoundError(DomainError):
    """The thing asked for does not exist, or the caller may not know it exists (404)."""

    status = 404
    code = "NOT_FOUND"
    message = "Not found."


class ForbiddenError(DomainError):
    """The caller may not do this, whatever the thing's state (403)."""

    status = 403
    code = "PERMISSION_DENIED"


class ConflictError(DomainError):
    """The thing is in a state that does not allow this (409)."""

    status = 409
    code = "FAILED_PRECONDITION"


class FieldError(InvalidError):
    """One named input field is invalid: rendered as a validation error with fieldViolations."""

    code = "INVALID_ARGUMENT"

    def __init__(self, field: str, message: str, *, rule: str = "FORMAT") -> None:
        super().__init__(message)
        self.field = field
        self.rule = rule
