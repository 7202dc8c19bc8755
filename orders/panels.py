"""What other apps show with a payment on the order pages: an extension point.

``orders`` must not import the apps above it, yet the owner's order page and the member's
order page show, under each payment, what those apps know about it (``receipts``: the receipt,
its link and image). An app registers a :class:`PaymentPanel` from its ``AppConfig.ready()``;
both pages take an order's payments from :func:`payment_rows`, which loads what the panels
read in the same few queries (not one per payment) and renders each payment's panels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import QuerySet
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from orders.models import Order, Payment

Page = Literal["admin", "member"]


def _as_is(payments: QuerySet[Payment]) -> QuerySet[Payment]:
    return payments


@dataclass(frozen=True)
class PaymentPanel:
    name: str
    admin: Callable[[Payment], str]  # HTML for the owner's order page
    member: Callable[[Payment], str]  # HTML for the member's order page ("" to show nothing)
    load: Callable[[QuerySet[Payment]], QuerySet[Payment]] = _as_is  # what rendering reads


_PANELS: dict[str, PaymentPanel] = {}


def register_payment_panel(panel: PaymentPanel) -> None:
    """Show ``panel`` with every payment; registering a name again replaces the panel
    (Django may call ``ready()`` twice in tests)."""
    _PANELS[panel.name] = panel


def payment_panels() -> tuple[PaymentPanel, ...]:
    return tuple(_PANELS.values())


def payments_for_panels(payments: QuerySet[Payment]) -> QuerySet[Payment]:
    """``payments`` with what every registered panel reads loaded alongside."""
    for panel in payment_panels():
        payments = panel.load(payments)
    return payments


def payment_panels_html(payment: Payment, *, page: Page) -> SafeString:
    """Every panel's HTML for ``payment`` on ``page``, in registration order (escaped unless
    the panel returned safe HTML)."""
    parts = (getattr(panel, page)(payment) for panel in payment_panels())
    return mark_safe("".join(conditional_escape(part) for part in parts if part))


def payment_rows(order: Order, *, page: Page) -> list[dict[str, Any]]:
    """The order's payments, oldest first, each with its panels' HTML for ``page``."""
    payments = payments_for_panels(order.payments.order_by("created_date", "id"))
    return [
        {"payment": payment, "panels": payment_panels_html(payment, page=page)}
        for payment in payments
    ]
