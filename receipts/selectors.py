"""Reads shared by the API, the admin order page and the member pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.urls import reverse

from accounts.caller import Caller
from accounts.scopes import RECEIPTS_READ
from config.money import from_minor_units
from orders.models import Payment
from receipts.models import Category, OrderMetadata, QuantityUnit, Receipt, ReceiptImage

# For a payments queryset that will be summarised: one query each, whatever the count.
SUMMARY_SELECT = ("order_metadata__image",)
SUMMARY_PREFETCH = (
    Prefetch("receipts", queryset=Receipt.objects.order_by("-version")),
    "receipts__lines",
)
SUMMARY_DEFER = ("order_metadata__image__data",)


def image_visible_to(caller: Caller | None, image: ReceiptImage) -> bool:
    """Apps with RECEIPTS.READ and the site owner see every image; a member sees an image
    shown on one of their own orders. Images can be tickets, so nobody else does."""
    if caller is None:
        return False
    if caller.app is not None:
        return RECEIPTS_READ in caller.scopes
    member = caller.member
    if member is None:
        return False
    if member.is_staff and member.is_active:
        return True
    return OrderMetadata.objects.filter(image=image, payment__order__buyer=member).exists()


@dataclass(frozen=True)
class LineSummary:
    description: str
    product_id: str
    quantity: int
    unit: str
    amount_excluding_tax: Decimal
    tax_amount: Decimal
    tax_percent: Decimal
    amount_including_tax: Decimal
    discount: Decimal
    product_url: str


@dataclass(frozen=True)
class VersionSummary:
    """One version of a receipt in the history: when, by whom, why, and its total."""

    receipt: Receipt
    total_amount: Decimal

    @property
    def is_correction(self) -> bool:
        return self.receipt.version > 1


@dataclass(frozen=True)
class ReceiptSummary:
    """A payment's receipt (its latest version), link and image in display units (Decimal in
    its currency), and ``history``: every version, newest first."""

    payment: Payment
    receipt: Receipt | None
    metadata: OrderMetadata | None
    currency: str
    lines: list[LineSummary] = field(default_factory=list)
    shipping_amount: Decimal | None = None
    total_amount: Decimal | None = None
    history: list[VersionSummary] = field(default_factory=list)

    @property
    def is_corrected(self) -> bool:
        return self.receipt is not None and self.receipt.version > 1

    @property
    def image(self) -> ReceiptImage | None:
        return self.metadata.image if self.metadata else None

    @property
    def image_url(self) -> str | None:
        image = self.image
        return reverse("receipts:image", args=[image.image_id]) if image else None

    @property
    def category_label(self) -> str:
        return Category(self.metadata.category).label if self.metadata else ""

    @property
    def is_empty(self) -> bool:
        return self.receipt is None and self.metadata is None


def payment_receipt_summary(payment: Payment) -> ReceiptSummary:
    """Everything receipts knows about ``payment``, ready for a template. Uses the relations
    already loaded when the payments came with SUMMARY_SELECT / SUMMARY_PREFETCH."""
    versions = sorted(payment.receipts.all(), key=lambda r: r.version, reverse=True)
    receipt = versions[0] if versions else None
    metadata = _related(payment, "order_metadata")
    currency = receipt.currency if receipt else payment.currency
    if receipt is None:
        return ReceiptSummary(payment, None, metadata, currency)

    def money(minor_units: int) -> Decimal:
        return from_minor_units(minor_units, currency)

    return ReceiptSummary(
        payment,
        receipt,
        metadata,
        currency,
        lines=[
            LineSummary(
                description=line.description,
                product_id=line.product_id,
                quantity=line.quantity,
                unit=QuantityUnit(line.quantity_unit).label
                if line.quantity_unit != QuantityUnit.UNKNOWN
                else "",
                amount_excluding_tax=money(line.amount_excluding_tax),
                tax_amount=money(line.tax_amount),
                tax_percent=Decimal(line.tax_percentage).scaleb(-2),
                amount_including_tax=money(line.amount_including_tax),
                discount=money(line.discount),
                product_url=line.product_url,
            )
            for line in receipt.lines.all()
        ],
        shipping_amount=money(receipt.shipping_amount),
        total_amount=money(receipt.total_amount),
        history=[VersionSummary(v, from_minor_units(v.total_amount, v.currency)) for v in versions],
    )


def _related(payment: Payment, name: str):
    try:
        return getattr(payment, name)
    except OrderMetadata.DoesNotExist:
        return None
