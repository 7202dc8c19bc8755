"""Reads of the plan catalogue shared by the plans API, its benchmarks and pages."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from orders.errors import PlanNotFound
from orders.models import Order, Plan

# Archived and visibility filters of ListPlans, by their wire names.
ARCHIVED_FILTERS = {
    "ACTIVE": Q(archived=False),
    "ARCHIVED": Q(archived=True),
    "ARCHIVED_AND_ACTIVE": Q(),
}
PUBLIC_FILTERS = {
    "PUBLIC_AND_HIDDEN": Q(),
    "PUBLIC": Q(is_public=True),
    "HIDDEN": Q(is_public=False),
}
# The order plans are shown in when nothing else is asked: the primary one first.
DEFAULT_ORDER = ("-primary", "created", "id")


@dataclass(frozen=True)
class PlanPage:
    plans: list[Plan]
    offset: int
    total: int


def public_plans() -> QuerySet[Plan]:
    """Plans on sale to visitors and members: public and not archived."""
    return Plan.objects.filter(is_public=True, archived=False)


def with_has_orders(queryset: QuerySet[Plan]) -> QuerySet[Plan]:
    """Each plan with ``has_orders`` (any order, of any status), in the same query."""
    return queryset.annotate(has_orders=Exists(Order.objects.filter(plan=OuterRef("pk"))))


def plan_page(
    queryset: QuerySet[Plan],
    *,
    offset: int,
    limit: int,
    plan_ids: Sequence[uuid.UUID] = (),
    where: Q | None = None,
    order_by: Sequence[str] = DEFAULT_ORDER,
) -> PlanPage:
    """One page of ``queryset`` narrowed by ids and ``where``, and the number of matches
    (counted only when the page is not the last one)."""
    if plan_ids:
        queryset = queryset.filter(pk__in=plan_ids)
    if where is not None:
        queryset = queryset.filter(where)
    queryset = queryset.order_by(*order_by)
    rows = list(queryset[offset : offset + limit + 1])  # one more: is this the last page?
    plans = rows[:limit]
    if len(rows) <= limit and (plans or offset == 0):
        return PlanPage(plans, offset, offset + len(plans))  # the last page: nothing to count
    return PlanPage(plans, offset, queryset.count())


def plan_detail(plan_id: uuid.UUID) -> Plan:
    """One plan, archived or not, with ``has_orders``; ``plan_not_found`` (404) otherwise."""
    plan = with_has_orders(Plan.objects.filter(pk=plan_id)).first()
    if plan is None:
        raise PlanNotFound(code="plan_not_found", data={"planId": str(plan_id)})
    return plan


def plan_stats() -> dict[str, int]:
    """``GetPlanStats``: every plan made, archived ones included."""
    return {"totalPlans": Plan.objects.count()}
