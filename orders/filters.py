"""The orders list filters, by their wire names, shared by the API and the dashboard.

Filters of different kinds combine with AND; the values of one list filter with OR
(``orderStatuses=ACTIVE&orderStatuses=PAUSED`` is "active or paused"). ``UNDEFINED`` is a
valid enum value on the wire that no stored order has, so it matches nothing.
"""

from __future__ import annotations

import uuid

import django_filters
from django import forms
from django.core.exceptions import ValidationError

from orders.models import Order, OrderStatus, PaymentStatus

UNDEFINED = ("UNDEFINED", "undefined")
ORDER_STATUSES = [UNDEFINED, *OrderStatus.choices]
PAYMENT_STATUSES = [UNDEFINED, *PaymentStatus.choices]
MAX_ORDER_IDS = 50


class UUIDListField(forms.Field):
    """A repeated query key (or a JSON list) of GUIDs."""

    widget = forms.SelectMultiple

    def __init__(self, *, max_items: int | None = None, **kwargs) -> None:
        self.max_items = max_items
        super().__init__(**kwargs)

    def to_python(self, value) -> list[uuid.UUID]:
        if value in (None, "", []):
            return []
        values = value if isinstance(value, list | tuple) else [value]
        if self.max_items is not None and len(values) > self.max_items:
            raise ValidationError(f"At most {self.max_items} ids.", code="max_length")
        try:
            return [uuid.UUID(str(v)) for v in values]
        except ValueError as exc:
            raise ValidationError("Each id must be a GUID.", code="invalid") from exc


class UUIDListFilter(django_filters.Filter):
    field_class = UUIDListField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": value})


class OrderFilter(django_filters.FilterSet):
    orderIds = UUIDListFilter(field_name="id", max_items=MAX_ORDER_IDS, label="Order ids")
    buyerIds = UUIDListFilter(field_name="buyer__member_id", label="Buyer member ids")
    planIds = UUIDListFilter(field_name="plan_id", label="Plan ids")
    orderStatuses = django_filters.MultipleChoiceFilter(
        field_name="status", choices=ORDER_STATUSES, distinct=False, label="Order statuses"
    )
    paymentStatuses = django_filters.MultipleChoiceFilter(
        field_name="last_payment_status",
        choices=PAYMENT_STATUSES,
        distinct=False,
        label="Payment statuses",
    )
    autoRenewCanceled = django_filters.BooleanFilter(
        field_name="auto_renew_canceled", label="Auto-renew canceled"
    )

    class Meta:
        model = Order
        fields: list[str] = []
