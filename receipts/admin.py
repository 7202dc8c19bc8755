"""The site owner's read-only view of receipts, images and order metadata.

The order pages show each payment's receipt through the panel ``receipts.panels`` registers
into ``orders.panels``; ``PaymentReceiptInline`` shows the same as an inline of the order
admin, and ``{% load receipts %}{% payment_receipt payment %}`` in any template. All are
read-only.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from orders.models import Payment
from receipts.models import OrderMetadata, Receipt, ReceiptImage, ReceiptLine
from receipts.panels import receipt_html, with_receipts


class ReadOnlyMixin:
    """Receipts (every version) and images are immutable and metadata is the merchant's to
    set: the admin shows them and changes nothing. A correction comes from the merchant's app
    as a new version (``receipt_correct``)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PaymentReceiptInline(ReadOnlyMixin, admin.StackedInline):
    """Each payment of the order with its receipt, image and link (read-only)."""

    model = Payment
    extra = 0
    fields = ("transaction_id", "status", "amount", "currency", "receipt")
    readonly_fields = fields
    verbose_name = "payment receipt"
    verbose_name_plural = "payment receipts"

    def get_queryset(self, request):
        return with_receipts(super().get_queryset(request))

    @admin.display(description="receipt, link and image")
    def receipt(self, payment: Payment) -> str:
        return receipt_html(payment)


def thumbnail(image: ReceiptImage | None) -> str:
    if image is None:
        return "-"
    url = reverse("receipts:image", args=[image.image_id])
    return format_html(
        '<img src="{}" alt="{}" style="max-height: 80px; max-width: 160px;" loading="lazy">',
        url,
        image.image_id,
    )


@admin.register(ReceiptImage)
class ReceiptImageAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("image_id", "preview", "format", "width", "height", "size", "at")
    list_filter = ("format",)
    search_fields = ("image_id", "sha256")
    fields = ("image_id", "preview", "format", "width", "height", "size", "sha256", "at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data")

    @admin.display(description="image")
    def preview(self, image: ReceiptImage) -> str:
        return thumbnail(image)


class ReceiptLineInline(ReadOnlyMixin, admin.TabularInline):
    model = ReceiptLine
    extra = 0
    fields = (
        "position",
        "product_id",
        "description",
        "quantity",
        "quantity_unit",
        "amount_excluding_tax",
        "tax_amount",
        "tax_percentage",
        "amount_including_tax",
        "discount",
        "product_url",
    )
    readonly_fields = fields


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("payment", "version", "currency", "total_amount", "shipping_amount", "at")
    search_fields = ("payment__transaction_id", "reason")
    fields = (
        "payment",
        "version",
        "reason",
        "currency",
        "shipping_amount",
        "total_amount",
        "at",
        "written_by",
    )
    readonly_fields = fields
    inlines = [ReceiptLineInline]
    list_select_related = ("payment",)


@admin.register(OrderMetadata)
class OrderMetadataAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("payment", "category", "order_details_url", "image", "version", "at")
    list_filter = ("category",)
    search_fields = ("payment__transaction_id", "order_details_url")
    fields = ("payment", "category", "order_details_url", "image", "preview", "version", "at")
    readonly_fields = fields
    list_select_related = ("payment", "image")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("image__data")

    @admin.display(description="image")
    def preview(self, metadata: OrderMetadata) -> str:
        return thumbnail(metadata.image)
