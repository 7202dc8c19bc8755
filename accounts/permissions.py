"""Scope checks. A view declares ``required_scopes``: a requirement for any method, or a dict
``{"GET": requirement, "POST": requirement}``; a method missing from the dict is allowed to any
authenticated caller. A requirement is one scope, or a tuple of scopes of which the caller
must hold any one (the Wix docs list a call's permissions that way). A view without
``required_scopes`` needs only authentication.
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from accounts.caller import caller_of

Requirement = str | tuple[str, ...]


def required_scope(view, method: str) -> Requirement | None:
    declared = getattr(view, "required_scopes", None)
    if isinstance(declared, dict):
        return declared.get(method)
    return declared


def any_of(requirement: Requirement) -> tuple[str, ...]:
    """The scopes that each satisfy ``requirement``."""
    return (requirement,) if isinstance(requirement, str) else tuple(requirement)


class HasScopes(BasePermission):
    def has_permission(self, request, view) -> bool:
        caller = caller_of(request)
        if caller is None:
            raise exceptions.NotAuthenticated("Authentication credentials were not provided.")
        requirement = required_scope(view, request.method)
        if not requirement:
            return True
        accepted = any_of(requirement)
        if caller.scopes.isdisjoint(accepted):
            if len(accepted) == 1:
                raise exceptions.PermissionDenied(f"This call needs the scope {accepted[0]}.")
            raise exceptions.PermissionDenied(
                f"This call needs one of the scopes {', '.join(accepted)}."
            )
        return True
