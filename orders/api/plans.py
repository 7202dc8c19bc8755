"""PlansServiceV2: the plan catalogue as the Wix plans client reads and changes it.

The 11 functions of ``@wix/auto_sdk_pricing-plans_plans`` under ``/pricing-plans/v2/plans``.
Views parse and render; every change is a catalogue service, the same the admin saves through.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import scopes
from config.api import parsed
from config.errors import FieldError
from orders import plan_selectors as selectors
from orders.api import docs, parsing, wql
from orders.api import plan_serializers as shapes
from orders.api.base import WixView
from orders.models import Plan
from orders.plan_selectors import PlanPage
from orders.plan_wire import plan_to_wire
from orders.services import catalogue

TAG = "Plans"


def page_reply(page: PlanPage, *, public: bool) -> dict[str, Any]:
    return {
        "plans": [plan_to_wire(plan, public=public) for plan in page.plans],
        "pagingMetadata": {
            "count": len(page.plans),
            "offset": page.offset,
            "total": page.total,
            "tooManyToCount": False,
        },
    }


def plan_reply(plan: Plan) -> dict[str, Any]:
    """``{plan}`` as read back, with ``hasOrders``."""
    return {"plan": plan_to_wire(selectors.plan_detail(plan.pk))}


class PlanView(WixView):
    def plan_id(self, value: str):
        return parsing.order_id_of(value)


class PublicPlanView(PlanView):
    """The public catalogue: site visitors read it without credentials, as on Wix (the
    typings' ``PublicPlan`` "can be read by any site member or visitor"). Only public plans
    that are not archived, with the public fields; sent credentials are still checked (a bad
    token is 401), and callers without any are held to the anonymous throttle."""

    permission_classes = [AllowAny]


class PublicPlanListView(PublicPlanView):
    @extend_schema(
        operation_id="listPublicPlans",
        tags=[TAG],
        parameters=[shapes.PublicPlansQuery],
        responses=docs.reply(docs.PLAN_LIST),
    )
    def get(self, request: Request) -> Response:
        params = parsing.query_params(request.query_params, list_keys=("planIds",))
        query = parsed(shapes.PublicPlansQuery, params)
        page = selectors.plan_page(
            selectors.public_plans(),
            offset=query["offset"],
            limit=query["limit"],
            plan_ids=query.get("planIds") or (),
        )
        return Response(page_reply(page, public=True))


class PublicPlanQueryView(PublicPlanView):
    @extend_schema(
        operation_id="queryPublicPlans",
        tags=[TAG],
        request=docs.PLAN_QUERY,
        responses=docs.reply(docs.PLAN_LIST),
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.data, dict):
            raise FieldError("body", "must be a JSON object.")
        query = request.data.get("query") or {}
        if not isinstance(query, dict):
            raise FieldError("query", "must be an object.")
        offset, limit = wql.paging_of(query.get("paging"))
        page = selectors.plan_page(
            selectors.public_plans(),
            offset=offset,
            limit=limit,
            where=wql.filter_to_q(query.get("filter")),
            order_by=[*wql.sort_to_order(query.get("sort")), *selectors.DEFAULT_ORDER],
        )
        return Response(page_reply(page, public=True))


class PlanListView(PlanView):
    required_scopes = {"GET": scopes.PLAN_READERS, "POST": scopes.MANAGE_PLANS}

    @extend_schema(
        operation_id="listPlans",
        tags=[TAG],
        parameters=[shapes.PlansQuery],
        responses=docs.reply(docs.PLAN_LIST),
    )
    def get(self, request: Request) -> Response:
        params = parsing.query_params(request.query_params, list_keys=("planIds",))
        query = parsed(shapes.PlansQuery, params)
        plans = Plan.objects.filter(
            selectors.ARCHIVED_FILTERS[query["archived"]], selectors.PUBLIC_FILTERS[query["public"]]
        )
        page = selectors.plan_page(
            selectors.with_has_orders(plans),
            offset=query["offset"],
            limit=query["limit"],
            plan_ids=query.get("planIds") or (),
        )
        return Response(page_reply(page, public=False))

    @extend_schema(
        operation_id="createPlan",
        tags=[TAG],
        request=shapes.PlanBody,
        responses=docs.reply(docs.PLAN),
    )
    def post(self, request: Request) -> Response:
        body = parsed(shapes.PlanBody, request.data)
        plan = catalogue.plan_create(**shapes.plan_fields(body["plan"], creating=True))
        return Response(plan_reply(plan))


class PlanDetailView(PlanView):
    required_scopes = {"GET": scopes.PLAN_READERS, "PATCH": scopes.MANAGE_PLANS}

    @extend_schema(
        operation_id="getPlan",
        tags=[TAG],
        parameters=[docs.PLAN_ID],
        responses=docs.reply(docs.PLAN),
    )
    def get(self, request: Request, plan_id: str) -> Response:
        return Response({"plan": plan_to_wire(selectors.plan_detail(self.plan_id(plan_id)))})

    @extend_schema(
        operation_id="updatePlan",
        tags=[TAG],
        parameters=[docs.PLAN_ID],
        request=shapes.PlanBody,
        responses=docs.reply(docs.PLAN),
    )
    def patch(self, request: Request, plan_id: str) -> Response:
        plan_id = self.plan_id(plan_id)
        body = parsed(shapes.PlanBody, request.data)
        plan = catalogue.plan_update(plan_id, **shapes.plan_fields(body["plan"], creating=False))
        return Response(plan_reply(plan))


class PlanStatsView(PlanView):
    required_scopes = scopes.PLAN_READERS

    @extend_schema(operation_id="getPlanStats", tags=[TAG], responses=docs.reply(docs.PLAN_STATS))
    def get(self, request: Request) -> Response:
        return Response(selectors.plan_stats())


class VisibilityView(PlanView):
    required_scopes = scopes.MANAGE_PLANS

    @extend_schema(
        operation_id="setPlanVisibility",
        tags=[TAG],
        parameters=[docs.PLAN_ID],
        request=shapes.VisibilityBody,
        responses=docs.reply(docs.PLAN),
    )
    def put(self, request: Request, plan_id: str) -> Response:
        plan_id = self.plan_id(plan_id)
        body = parsed(shapes.VisibilityBody, request.data)
        return Response(plan_reply(catalogue.plan_set_visibility(plan_id, visible=body["visible"])))


class PlanActionView(PlanView):
    """POST with only the id (make primary, archive): one catalogue service each."""

    required_scopes = scopes.MANAGE_PLANS
    service = staticmethod(catalogue.plan_archive)

    def post(self, request: Request, plan_id: str) -> Response:
        return Response(plan_reply(self.service(self.plan_id(plan_id))))


def _action_doc(operation_id: str):
    return extend_schema(
        operation_id=operation_id,
        tags=[TAG],
        parameters=[docs.PLAN_ID],
        request=shapes.PlanIdBody,
        responses=docs.reply(docs.PLAN),
    )


class MakePrimaryView(PlanActionView):
    service = staticmethod(catalogue.plan_make_primary)

    @_action_doc("makePlanPrimary")
    def post(self, request: Request, plan_id: str) -> Response:
        return super().post(request, plan_id)


class ArchiveView(PlanActionView):
    service = staticmethod(catalogue.plan_archive)

    @_action_doc("archivePlan")
    def post(self, request: Request, plan_id: str) -> Response:
        return super().post(request, plan_id)


class ClearPrimaryView(PlanView):
    required_scopes = scopes.MANAGE_PLANS

    @extend_schema(
        operation_id="clearPrimary", tags=[TAG], request=None, responses=docs.reply(docs.EMPTY)
    )
    def post(self, request: Request) -> Response:
        catalogue.plan_clear_primary()
        return self.done()
