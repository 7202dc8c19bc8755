"""Scope rules: unknown scopes are refused; a missing scope is a 403."""

from __future__ import annotations

import pytest
from rest_framework.test import APIRequestFactory

from accounts.caller import Caller
from accounts.permissions import HasScopes
from accounts.scopes import MANAGE_ORDERS, READ_ORDERS
from config.errors import InvalidError


@pytest.mark.django_db
def test_app_with_unknown_scope_is_refused_and_not_created(app_factory):
    from accounts.models import App

    with pytest.raises(InvalidError) as err:
        app_factory(scopes=["PRICING_PLANS.EVERYTHING"], name="Greedy")
    assert "PRICING_PLANS.EVERYTHING" in err.value.message
    assert not App.objects.filter(name="Greedy").exists()


class View:
    required_scopes = {"GET": READ_ORDERS, "POST": MANAGE_ORDERS}


def _request(method: str, scopes: set[str]):
    request = getattr(APIRequestFactory(), method.lower())("/x")
    request.auth = Caller(app=object(), scopes=frozenset(scopes))  # type: ignore[arg-type]
    return request


def test_caller_with_the_scope_of_the_method_is_allowed():
    assert HasScopes().has_permission(_request("GET", {READ_ORDERS}), View())


def test_caller_without_the_scope_of_the_method_is_denied():
    from rest_framework.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied) as err:
        HasScopes().has_permission(_request("POST", {READ_ORDERS}), View())
    assert MANAGE_ORDERS in str(err.value.detail)


def test_every_wix_permission_name_is_a_scope_apps_can_be_given():
    from accounts.forms import AppForm
    from accounts.scopes import ALL_SCOPES, WIX_NAMES

    offered = {value for value, _ in AppForm.base_fields["scopes"].choices}
    assert set(WIX_NAMES.values()) <= set(ALL_SCOPES) == offered
