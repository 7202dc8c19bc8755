"""What every pricing-plans view shares: the caller, the path id, list pages, void replies."""

from __future__ import annotations

import uuid
from typing import Any

from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.caller import Caller, caller_of
from accounts.models import User
from accounts.permissions import HasScopes
from config import clock
from config.api import parsed
from orders import selectors
from orders.api import parsing, serializers
from orders.selectors import OrderPage
from orders.wire import order_to_wire

LIST_KEYS = ("orderIds", "buyerIds", "planIds", "orderStatuses", "paymentStatuses")


class IsMember(BasePermission):
    """Member endpoints act for the calling member; an app token names no member."""

    def has_permission(self, request, view) -> bool:
        caller = caller_of(request)
        if caller is not None and not caller.is_member:
            raise exceptions.PermissionDenied(
                "This call acts for the signed-in member: use a member's token."
            )
        return True


class WixView(APIView):
    """A Wix Pricing Plans v2 endpoint: success is always 200 with a JSON body."""

    permission_classes = [HasScopes]

    def caller(self, request: Request) -> Caller:
        caller = caller_of(request)
        assert caller is not None  # HasScopes let only authenticated callers through
        return caller

    def member_of(self, request: Request) -> User | None:
        """The member the call is scoped to (member endpoints), else None (app endpoints)."""
        return None

    def order_id(self, value: str) -> uuid.UUID:
        return parsing.order_id_of(value)

    def get_order(self, request: Request, order_id: str) -> Response:
        """GET one order; ``fieldSet=FULL`` adds the form submission data."""
        query = parsed(serializers.GetOrderQuery, request.query_params.dict())
        order = selectors.order_get(self.order_id(order_id), buyer=self.member_of(request))
        return Response({"order": order_to_wire(order, full=query["fieldSet"] == "FULL")})

    @staticmethod
    def done() -> Response:
        """The void methods answer ``{}``: the client parses every 200 body as JSON."""
        return Response({})


class MemberView(WixView):
    permission_classes = [HasScopes, IsMember]

    def member_of(self, request: Request) -> User | None:
        return self.caller(request).member


class OrderListMixin:
    """GET list of orders: filters, sorting, offset paging (contract section 2)."""

    query_serializer: type = serializers.ListOrdersQuery
    default_order = "DESC"

    def list_orders(self, request: Request, *, buyer: User | None) -> Response:
        params = parsing.query_params(request.query_params, list_keys=LIST_KEYS)
        query = parsed(self.query_serializer, params)
        sorting = query.get("sorting") or {}
        queryset = selectors.order_list(
            filters=filters_of(query),
            buyer=buyer,
            sort_field=sorting.get("fieldName"),
            sort_order=sorting.get("order"),
            default_order=self.default_order,
        )
        page = selectors.order_page(queryset, offset=query["offset"], limit=query["limit"])
        full, at = query["fieldSet"] == "FULL", clock.now()  # one moment for the whole page
        return Response(
            {
                "orders": [order_to_wire(order, full=full, at=at) for order in page.orders],
                "pagingMetadata": paging_metadata(page),
            }
        )


def filters_of(query: dict[str, Any]) -> dict[str, Any]:
    """The validated query in the FilterSet's terms (its own field names are the wire's)."""
    keys = (*LIST_KEYS, "autoRenewCanceled")
    return {key: query[key] for key in keys if query.get(key) not in (None, [])}


def paging_metadata(page: OrderPage) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "count": len(page.orders),
        "offset": page.offset,
        "tooManyToCount": page.too_many_to_count,
        "hasNext": page.has_next,
    }
    if page.total is not None:
        meta["total"] = page.total
    return meta
