"""Scope checks. A view declares ``required_scopes``: one scope (any method) or a dict
``{"GET": scope, "POST": scope}``; a method missing from the dict is allowed to any
authenticated caller. A view without ``required_scopes`` needs only authentication.
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from accounts.caller import caller_of


def required_scope(view, method: str) -> str | None:
    declared = getattr(view, "required_scopes", None)
    if isinstance(declared, dict):
        return declared.get(method)
    return declared


class HasScopes(BasePermission):
    def has_permission(self, request, view) -> bool:
        caller = caller_of(request)
        if caller is None:
            raise exceptions.NotAuthenticated("Authentication credentials were not provided.")
        scope = required_scope(view, request.method)
        if scope and scope not in caller.scopes:
            raise exceptions.PermissionDenied(f"This call needs the scope {scope}.")
        return True


class AllowAny(BasePermission):
    def has_permission(self, request, view) -> bool:
        return True
