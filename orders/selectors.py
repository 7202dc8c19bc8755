"""Reads of orders shared by the API, the dashboard and the member pages.

Every order list loads in a fixed number of queries whatever the page holds: the page itself
(with its buyer's two ids joined), the pause periods of the page's orders that were ever
paused (none for most pages), and a bounded count when the page does not show it is the last.
``orders.wire.order_to_wire`` then renders each order without touching the database.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import F, QuerySet

from accounts.models import User
from config.queries import unique_or_none
from orders.errors import MemberNotFound, OrderNotFound, PlanNotFound
from orders.filters import OrderFilter
from orders.models import (
    Invoice,
    Order,
    OrderTimelineEntry,
    Payment,
    Plan,
)
from orders.services import schedule

# Counting stops here: above it a page reports ``tooManyToCount`` instead of a total, so a
# list over a million orders never pays for a full COUNT(*). The bounded count reads at most
# this many index entries.
COUNT_CAP = 10_000

ESTIMATE_TTL = 30.0
ESTIMATE_SLOTS = 1024
_estimates: dict[tuple, tuple[float, float]] = {}

SORT_FIELDS = {"createdDate": "created_date", "_createdDate": "created_date", "endDate": "end_date"}


@dataclass(frozen=True)
class OrderPage:
    orders: list[Order]
    offset: int
    total: int | None  # None when there are more than COUNT_CAP matches
    has_next: bool

    @property
    def too_many_to_count(self) -> bool:
        return self.total is None


def orders_for_rendering() -> QuerySet[Order]:
    """Orders with their buyers and pause periods loaded (pages that show the buyer)."""
    return Order.objects.select_related("buyer").prefetch_related(schedule.pauses_prefetch())


def orders_for_wire() -> QuerySet[Order]:
    """Orders with what ``order_to_wire`` reads already loaded."""
    return with_buyer_ids(Order.objects.prefetch_related(schedule.pauses_prefetch()))


def with_buyer_ids(queryset: QuerySet[Order]) -> QuerySet[Order]:
    """Of the buyer the wire shows two ids: they come as two columns of the order's row,
    which spares building a whole user for every order (a third of a list's loading)."""
    return queryset.annotate(
        buyer_member_id=F("buyer__member_id"), buyer_contact_id=F("buyer__contact_id")
    )


def order_list(
    *,
    filters: Mapping[str, Any],
    buyer: User | None = None,
    sort_field: str | None = None,
    sort_order: str | None = None,
    default_order: str = "DESC",
) -> QuerySet[Order]:
    """Orders matching ``filters`` (wire names, see ``OrderFilter``), sorted.

    ``buyer`` restricts the list to one member's orders (the member API and pages). Without
    a sort field, orders come by creation date in ``default_order``; a field given without an
    order sorts ascending. Ties break on the id so that offset paging is stable.
    """
    queryset = Order.objects.prefetch_related(schedule.pauses_prefetch())
    if buyer is not None:
        queryset = queryset.filter(buyer=buyer)
    filterset = OrderFilter(data=filters, queryset=queryset)
    if not filterset.is_valid():  # callers validate first; this is the last guard
        raise ValueError(filterset.errors.as_json())
    column = SORT_FIELDS.get(sort_field or "createdDate", "created_date")
    descending = (sort_order or ("ASC" if sort_field else default_order)) == "DESC"
    # Orders without an end date (until canceled) come last ascending and first descending,
    # PostgreSQL's own NULL order, so its indexes serve both directions on both databases.
    if descending:
        ordering = [F(column).desc(nulls_first=True), F("id").desc()]
    else:
        ordering = [F(column).asc(nulls_last=True), F("id").asc()]
    return filterset.qs.order_by(*ordering)


def order_page(queryset: QuerySet[Order], *, offset: int, limit: int) -> OrderPage:
    """One page (one row more is read to know whether another page follows) and the number
    of matches, counted only when it is small."""
    rows = list(with_buyer_ids(queryset.prefetch_related(None))[offset : offset + limit + 1])
    orders, has_next = rows[:limit], len(rows) > limit
    schedule.pauses_load(orders)  # only orders ever paused have periods to read
    if not has_next and (orders or offset == 0):
        return OrderPage(orders, offset, offset + len(orders), has_next)  # the last page
    return OrderPage(orders, offset, bounded_count(queryset), has_next)


def bounded_count(queryset: QuerySet) -> int | None:
    """The number of rows, or None when there are more than ``COUNT_CAP``.

    On PostgreSQL the planner's estimate decides first (one EXPLAIN, no rows read): when it
    expects more than the cap, the rows are not counted at all. Otherwise, and on SQLite, a
    ``COUNT`` over a ``LIMIT COUNT_CAP + 1`` subquery reads at most that many rows.
    """
    rows = queryset.order_by().values("pk")
    estimate = planned_rows(rows)
    if estimate is not None and estimate > COUNT_CAP:
        return None
    counted = rows[: COUNT_CAP + 1].count()
    return None if counted > COUNT_CAP else counted


def estimates_forget() -> None:
    """Drop the kept estimates (after a bulk load, or to measure a cold request)."""
    _estimates.clear()


def planned_rows(queryset: QuerySet) -> float | None:
    """PostgreSQL's estimate of how many rows ``queryset`` returns; None on SQLite, which has
    no estimate.

    Estimates come from table statistics that change over minutes, so each query's estimate
    is kept for ``ESTIMATE_TTL`` seconds: a busy list page then costs no EXPLAIN at all.
    """
    if connections[queryset.db].vendor != "postgresql":
        return None
    # The filters identify the estimate; their text is much cheaper to build than the SQL.
    key = (queryset.model._meta.label, str(queryset.query.where))
    now = time.monotonic()
    cached = _estimates.get(key)
    if cached is not None and now - cached[0] < ESTIMATE_TTL:
        return cached[1]
    plan = json.loads(queryset.explain(format="json"))
    rows = float(plan[0]["Plan"]["Plan Rows"])
    if len(_estimates) >= ESTIMATE_SLOTS:
        _estimates.clear()
    _estimates[key] = (now, rows)
    return rows


def order_get(order_id: uuid.UUID | str, *, buyer: User | None = None) -> Order:
    """One order, ready to render. Another buyer's order does not exist for ``buyer``."""
    queryset = orders_for_wire()
    if buyer is not None:
        queryset = queryset.filter(buyer=buyer)
    try:
        return queryset.get(pk=order_id)
    except (Order.DoesNotExist, ValueError, TypeError) as exc:
        raise OrderNotFound() from exc


def order_payments(order: Order) -> list[Payment]:
    return list(order.payments.order_by("created_date", "id"))


def order_invoices(order: Order) -> list[Invoice]:
    return list(order.invoices.prefetch_related("lines").order_by("number"))


def order_credit_notes(order: Order) -> list:
    return list(order.credit_notes.prefetch_related("lines").order_by("number"))


def order_timeline(order: Order) -> list[OrderTimelineEntry]:
    return list(order.timeline.order_by("at", "id"))


def plan_list_public() -> list[Plan]:
    """The plans the site offers: public and not archived, cheapest first."""
    return list(Plan.objects.filter(is_public=True, archived=False).order_by("price", "name"))


def plan_get(plan_id: uuid.UUID, *, status: int = 404) -> Plan:
    """The plan to buy; ``status`` 400 when it is named in a request body."""
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        raise PlanNotFound(status=status)
    return plan


def member_find(key: uuid.UUID | str) -> User | None:
    """The member with this member id or, for text that is no GUID, this email (any case).

    Disabled members are found too: whether they may buy is the checkout's rule.
    """
    if not isinstance(key, uuid.UUID):
        text = (key or "").strip()
        try:
            key = uuid.UUID(text)
        except ValueError:
            if not text:
                return None
            return User.objects.filter(email__iexact=text).order_by("pk").first()
    return unique_or_none(User.objects.filter(member_id=key))


def member_get(member_id: uuid.UUID) -> User:
    """The member named by a wire ``memberId``; ``MemberNotFound`` when there is none."""
    member = member_find(member_id)
    if member is None:
        raise MemberNotFound(data={"memberId": str(member_id)})
    return member
