"""The pricing-plans domain models, one module per aggregate."""

from orders.models.catalogue import Coupon, DiscountType, PeriodUnit, Plan, PricingModel, TaxSetting
from orders.models.credit_note import (
    CreditNote,
    CreditNoteLine,
    CreditNoteNumber,
    RefundReason,
    RefundStatus,
)
from orders.models.dashboard import DashboardPeriod
from orders.models.event import OrderEvent, OrderTimelineEntry
from orders.models.invoice import Invoice, InvoiceLine, InvoiceNumber, Payment
from orders.models.order import (
    CLOSED,
    CancellationCause,
    CancellationEffectiveAt,
    Order,
    OrderMethod,
    OrderStatus,
    OrderType,
    PausePeriod,
    PausePeriodStatus,
    PaymentStatus,
)
from orders.models.payment_attempt import PaymentAttempt, TestProviderRecord
from orders.models.running import RunningChange, RunningMember, RunningTotal

__all__ = [
    "CLOSED",
    "CancellationCause",
    "CancellationEffectiveAt",
    "Coupon",
    "CreditNote",
    "CreditNoteLine",
    "CreditNoteNumber",
    "DashboardPeriod",
    "DiscountType",
    "Invoice",
    "InvoiceLine",
    "InvoiceNumber",
    "Order",
    "OrderEvent",
    "OrderMethod",
    "OrderStatus",
    "OrderTimelineEntry",
    "OrderType",
    "PausePeriod",
    "PausePeriodStatus",
    "Payment",
    "PaymentAttempt",
    "PaymentStatus",
    "PeriodUnit",
    "Plan",
    "PricingModel",
    "RefundReason",
    "RefundStatus",
    "RunningChange",
    "RunningMember",
    "RunningTotal",
    "TaxSetting",
    "TestProviderRecord",
]
