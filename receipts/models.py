"""Images, receipts (order lines) and order metadata attached to a payment.

The payment's ``transaction_id`` is the path id of the receipts API. Images are site-wide,
immutable and reusable, like a merchant's images at Vipps; a receipt is written once and never
changed; the order metadata of a payment is replaced as a whole, each replacement recorded in
the order's timeline.
"""

from __future__ import annotations

from django.db import models

from accounts.actors import Actor
from orders.models import Payment
from receipts.validation.amounts import MAX_TAX_PERCENTAGE
from receipts.validation.images import CONTENT_TYPES, EXTENSIONS
from receipts.validation.links import MAX_LINK_LENGTH

LINE_ID_MAX = 255
LINE_DESCRIPTION_MAX = 1024
RECEIPT_REASON_MAX = 300  # the order timeline keeps a reason of at most 300 characters


class Stamped(models.Model):
    """Who wrote the row and when, recorded as the order timeline records an actor."""

    at = models.DateTimeField("written at")
    actor_kind = models.CharField(max_length=8)
    actor_id = models.CharField(max_length=64, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)

    class Meta:
        abstract = True

    def stamp(self, actor: Actor, at) -> None:
        self.at = at
        self.actor_kind, self.actor_id, self.actor_label = actor.kind.value, actor.id, actor.label

    @property
    def written_by(self) -> str:
        return f"{self.actor_kind.lower()} {self.actor_label or self.actor_id}".strip()


class ImageFormat(models.TextChoices):
    JPEG = "JPEG", "JPEG"
    PNG = "PNG", "PNG"


class ReceiptImage(Stamped):
    """An uploaded image. Its bytes never change: a different file needs a new ``image_id``."""

    image_id = models.CharField(max_length=128, unique=True)
    format = models.CharField(max_length=4, choices=ImageFormat.choices)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField(help_text="Bytes of the file.")
    sha256 = models.CharField(max_length=64)
    # Kept in the database: at most 2 MB, written once, backed up and served with the rows
    # that name it, so there is no file store to keep in step.
    data = models.BinaryField()

    class Meta:
        ordering = ["-at", "image_id"]
        verbose_name = "receipt image"

    def __str__(self) -> str:
        return self.image_id

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    @property
    def filename(self) -> str:
        return f"{self.image_id}.{EXTENSIONS[self.format]}"


class Category(models.TextChoices):
    GENERAL = "general", "general"
    RECEIPT = "receipt", "receipt"
    ORDER_CONFIRMATION = "orderConfirmation", "order confirmation"
    DELIVERY = "delivery", "delivery"
    TICKET = "ticket", "ticket"
    BOOKING = "booking", "booking"


class QuantityUnit(models.TextChoices):
    UNKNOWN = "Unknown", "unknown"
    KILOGRAM = "Kilogram", "kg"
    METER = "Meter", "m"
    LITER = "Liter", "l"


class Receipt(Stamped):
    """One version of the order lines of a payment. Version 1 is the receipt as first sent;
    each correction adds the next version with its reason. No version is ever changed, so
    every receipt a buyer was shown can be read again. Amounts are integer minor units of
    ``currency`` (the payment's currency when the version was stored)."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="receipts")
    version = models.PositiveIntegerField(default=1)
    reason = models.CharField(
        max_length=RECEIPT_REASON_MAX,
        blank=True,
        help_text="Why this version corrects the one before (empty for version 1).",
    )
    currency = models.CharField(max_length=3)
    shipping_amount = models.BigIntegerField(default=0)
    total_amount = models.BigIntegerField(
        help_text="Sum of the lines including tax, plus shipping."
    )

    class Meta:
        ordering = ["-at", "-version"]
        constraints = [
            models.CheckConstraint(
                name="receipt_amounts_not_negative",
                condition=models.Q(shipping_amount__gte=0, total_amount__gte=0),
            ),
            models.UniqueConstraint(fields=["payment", "version"], name="receipt_version"),
            models.CheckConstraint(
                name="receipt_version_from_1", condition=models.Q(version__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return f"Receipt of {self.payment_id}, version {self.version}"


class ReceiptLine(models.Model):
    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    product_id = models.CharField(max_length=LINE_ID_MAX)
    description = models.CharField(max_length=LINE_DESCRIPTION_MAX)
    amount_excluding_tax = models.BigIntegerField()
    amount_including_tax = models.BigIntegerField()
    tax_amount = models.BigIntegerField()
    tax_percentage = models.PositiveIntegerField()
    discount = models.BigIntegerField()
    quantity = models.BigIntegerField()
    quantity_unit = models.CharField(max_length=10, choices=QuantityUnit.choices)
    product_url = models.CharField(max_length=MAX_LINK_LENGTH, blank=True)

    class Meta:
        ordering = ["receipt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["receipt", "position"], name="receipt_line_position"),
            models.CheckConstraint(
                name="receipt_line_adds_up",
                condition=models.Q(
                    amount_excluding_tax__gte=0,
                    tax_amount__gte=0,
                    discount__gte=0,
                    quantity__gte=1,
                    tax_percentage__lte=MAX_TAX_PERCENTAGE,
                    amount_including_tax=models.F("amount_excluding_tax") + models.F("tax_amount"),
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.description


class OrderMetadata(Stamped):
    """What the buyer's app shows with the payment: a category, a link and an optional image.
    Replaced as a whole by each PUT; ``at`` and the actor are those of the last one."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="order_metadata")
    category = models.CharField(max_length=20, choices=Category.choices)
    order_details_url = models.CharField(max_length=MAX_LINK_LENGTH)
    image = models.ForeignKey(
        ReceiptImage, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    version = models.PositiveIntegerField(default=1, help_text="How many times it was set.")

    class Meta:
        verbose_name = "order metadata"
        verbose_name_plural = "order metadata"

    def __str__(self) -> str:
        return f"{self.category} for {self.payment_id}"
