"""The orders list search box: one indexed lookup per kind of term, never a scan of orders.

A GUID is an order id or a buyer's member id; a number is an invoice number; anything else
is part of a buyer's email. Each becomes a filter on an indexed column of ``orders_order``
(its primary key or ``buyer_id``), so searching stays fast with millions of orders, and none
joins a to-many table, so no DISTINCT is needed.

An email fragment is first resolved to at most ``MAX_BUYERS`` members: the database cannot
estimate how many members a ``LIKE '%...%'`` matches, and a fragment such as "@gmail" that
matches most of them would otherwise make it join every order before sorting.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q

from orders.models import Invoice

MAX_BUYERS = 1000


@dataclass(frozen=True)
class OrderSearch:
    q: Q
    too_many_buyers: bool = False  # only the first MAX_BUYERS matching members are searched


def order_search(term: str) -> OrderSearch:
    term = term.strip()
    users = get_user_model().objects
    try:
        guid = uuid.UUID(term)
    except ValueError:
        guid = None
    if guid is not None:
        return OrderSearch(Q(pk=guid) | Q(buyer_id__in=users.filter(member_id=guid).values("pk")))
    if term.isdigit():
        return OrderSearch(Q(pk__in=Invoice.objects.filter(number=int(term)).values("order_id")))
    buyers = list(
        users.filter(email__icontains=term)
        .order_by("pk")
        .values_list("pk", flat=True)[: MAX_BUYERS + 1]
    )
    return OrderSearch(Q(buyer_id__in=buyers[:MAX_BUYERS]), len(buyers) > MAX_BUYERS)
