"""The orders list search box: one indexed lookup per kind of term, never a scan of orders.

A GUID is an order id or a buyer's member id; a number is an invoice number; anything else
is part of a buyer's email. Each becomes a filter on an indexed column of ``orders_order``
(its primary key or ``buyer_id``), so searching stays fast with millions of orders, and none
joins a to-many table, so no DISTINCT is needed.
"""

from __future__ import annotations

import uuid

from django.contrib.auth import get_user_model
from django.db.models import Q

from orders.models import Invoice


def order_search_q(term: str) -> Q:
    term = term.strip()
    users = get_user_model().objects
    try:
        guid = uuid.UUID(term)
    except ValueError:
        guid = None
    if guid is not None:
        return Q(pk=guid) | Q(buyer_id__in=users.filter(member_id=guid).values("pk"))
    if term.isdigit():
        return Q(pk__in=Invoice.objects.filter(number=int(term)).values("order_id"))
    return Q(buyer_id__in=users.filter(email__icontains=term).values("pk"))
