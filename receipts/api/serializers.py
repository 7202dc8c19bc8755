"""Request and response shapes of the v1 draft (contract section 3.2, with section 9's
choices: ``quantityUnit`` optional (default ``Unknown``), ``shippingAmount`` optional (default
0), every amount required, non-null, an integer between 0 and 2^31 - 1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from config.fields import StrictIntegerField
from receipts.api.fields import IdField, StrictStringField, TextField
from receipts.models import (
    LINE_DESCRIPTION_MAX,
    LINE_ID_MAX,
    RECEIPT_REASON_MAX,
    Category,
    QuantityUnit,
    Receipt,
)
from receipts.services.receipts import OrderLineInput
from receipts.validation.amounts import MAX_AMOUNT, MAX_QUANTITY, MAX_TAX_PERCENTAGE
from receipts.validation.links import MAX_LINK_LENGTH

MAX_ORDER_LINES = 1000


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know: on an immutable receipt a misspelt optional field
    (``shippingAmmount``) would otherwise be dropped silently and its default stored."""

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, Mapping) else []
        errors = {
            str(name)[:100]: [ErrorDetail("is not a field of this object.", code="unknown")]
            for name in unknown
        }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if errors and isinstance(exc.detail, dict):
                exc.detail.update(errors)
            raise
        if errors:
            raise serializers.ValidationError(errors)
        return value


def amount(**kwargs: Any) -> StrictIntegerField:
    return StrictIntegerField(min_value=0, max_value=MAX_AMOUNT, **kwargs)


class ImageSerializer(StrictSerializer):
    imageId = IdField()
    src = StrictStringField()
    type = serializers.ChoiceField(choices=["base64"])


class OrderLineSerializer(StrictSerializer):
    id = TextField(max_length=LINE_ID_MAX)
    description = TextField(max_length=LINE_DESCRIPTION_MAX)
    amountExcludingTax = amount()
    amountIncludingTax = amount()
    taxAmount = amount()
    taxPercentage = StrictIntegerField(min_value=0, max_value=MAX_TAX_PERCENTAGE)
    discount = amount()
    quantity = StrictIntegerField(min_value=1, max_value=MAX_QUANTITY)
    quantityUnit = serializers.ChoiceField(
        choices=QuantityUnit.values, required=False, allow_null=True
    )
    productUrl = StrictStringField(max_length=MAX_LINK_LENGTH, required=False, allow_null=True)

    def to_line(self, data: dict[str, Any]) -> OrderLineInput:
        return OrderLineInput(
            amount_excluding_tax=data["amountExcludingTax"],
            amount_including_tax=data["amountIncludingTax"],
            tax_amount=data["taxAmount"],
            tax_percentage=data["taxPercentage"],
            discount=data["discount"],
            quantity=data["quantity"],
            product_id=data["id"],
            description=data["description"],
            quantity_unit=data.get("quantityUnit") or QuantityUnit.UNKNOWN,
            product_url=data.get("productUrl") or "",
        )


class ReceiptSerializer(StrictSerializer):
    orderLines = OrderLineSerializer(many=True, allow_empty=False, max_length=MAX_ORDER_LINES)
    shippingAmount = amount(required=False, allow_null=True)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.validated_data
        to_line = self.fields["orderLines"].child.to_line
        return {
            "lines": [to_line(line) for line in data["orderLines"]],
            "shipping_amount": data.get("shippingAmount") or 0,
        }


class CategoryField(serializers.ChoiceField):
    """The draft's lower-camel names, and the upper-case names of later versions
    (``ORDER_CONFIRMATION``) as aliases: stored and answered in the draft's form."""

    ALIASES = {category.name: category.value for category in Category}

    def __init__(self, **kwargs):
        super().__init__(choices=[*Category.values, *self.ALIASES], **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        return self.ALIASES.get(value, value)


class ReceiptCorrectionSerializer(ReceiptSerializer):
    """A corrected receipt: the receipt body plus why (Tally's addition)."""

    reason = StrictStringField(max_length=RECEIPT_REASON_MAX)

    def service_kwargs(self) -> dict[str, Any]:
        return {**super().service_kwargs(), "reason": self.validated_data["reason"]}


class VersionQuerySerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)


class ImageRefSerializer(StrictSerializer):
    id = IdField()


class OrderSerializer(StrictSerializer):
    category = CategoryField()
    orderDetailsUrl = StrictStringField(max_length=MAX_LINK_LENGTH)
    image = ImageRefSerializer(required=False, allow_null=True)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.validated_data
        image = data.get("image")
        return {
            "category": data["category"],
            "order_details_url": data["orderDetailsUrl"],
            "image_id": image["id"] if image else None,
        }


def receipt_body(receipt: Receipt) -> dict[str, Any]:
    return {
        "orderLines": [
            {
                "id": line.product_id,
                "description": line.description,
                "amountExcludingTax": line.amount_excluding_tax,
                "amountIncludingTax": line.amount_including_tax,
                "taxAmount": line.tax_amount,
                "taxPercentage": line.tax_percentage,
                "discount": line.discount,
                "quantity": line.quantity,
                "quantityUnit": line.quantity_unit,
                **({"productUrl": line.product_url} if line.product_url else {}),
            }
            for line in receipt.lines.all()
        ],
        "shippingAmount": receipt.shipping_amount,
        "version": receipt.version,
        **({"reason": receipt.reason} if receipt.reason else {}),
    }
