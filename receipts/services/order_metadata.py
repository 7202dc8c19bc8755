"""The order metadata of a payment (category, link, image): replaced whole by every PUT,
each replacement appended to the order's timeline with what it replaced."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from accounts.actors import Actor
from config import clock
from orders.services.timeline import timeline_append
from receipts.errors import OrderMetadataNotFound, ReceiptsInvalid
from receipts.models import OrderMetadata, ReceiptImage
from receipts.services.payments import payment_get, payment_guard_succeeded
from receipts.validation.links import link_problem


def order_metadata_replace(
    *,
    transaction_id: str,
    category: str,
    order_details_url: str,
    image_id: str | None,
    actor: Actor,
) -> OrderMetadata:
    """Set the payment's metadata to exactly what was sent: a PUT without an image removes
    the image. The image must have been uploaded first."""
    reason = link_problem(order_details_url)
    if reason:
        raise ReceiptsInvalid.field("orderDetailsUrl", reason)
    image = _image(image_id)
    try:
        return _replace(transaction_id, category, order_details_url, image, actor)
    except IntegrityError:
        # Two first PUTs raced on a database without row locks; the loser now finds the
        # winner's row and replaces it, as a later PUT would.
        return _replace(transaction_id, category, order_details_url, image, actor)


@transaction.atomic
def _replace(
    transaction_id: str,
    category: str,
    order_details_url: str,
    image: ReceiptImage | None,
    actor: Actor,
) -> OrderMetadata:
    payment = payment_get(transaction_id, lock=True)
    payment_guard_succeeded(payment)
    current = (
        OrderMetadata.objects.select_related("image")
        .defer("image__data")
        .filter(payment=payment)
        .first()
    )
    before = metadata_snapshot(current)
    metadata = current or OrderMetadata(payment=payment, version=0)
    metadata.category = category
    metadata.order_details_url = order_details_url
    metadata.image = image
    metadata.version += 1
    now = clock.now()
    metadata.stamp(actor, now)
    metadata.save()
    timeline_append(
        payment.order,
        actor=actor,
        action="order_metadata_replaced",
        data={
            "transactionId": payment.transaction_id,
            "version": metadata.version,
            "before": before,
            "after": metadata_snapshot(metadata),
        },
    )
    return metadata


def order_metadata_get(transaction_id: str) -> OrderMetadata:
    payment = payment_get(transaction_id)
    metadata = OrderMetadata.objects.select_related("image").defer("image__data")
    found = metadata.filter(payment=payment).first()
    if found is None:
        raise OrderMetadataNotFound(f"The payment '{transaction_id}' has no order metadata yet.")
    return found


def metadata_snapshot(metadata: OrderMetadata | None) -> dict[str, Any] | None:
    """The wire form of the metadata (as GET returns it), for the timeline."""
    if metadata is None:
        return None
    body: dict[str, Any] = {
        "category": metadata.category,
        "orderDetailsUrl": metadata.order_details_url,
    }
    if metadata.image is not None:
        body["image"] = {"id": metadata.image.image_id}
    return body


def _image(image_id: str | None) -> ReceiptImage | None:
    if image_id is None:
        return None
    image = ReceiptImage.objects.defer("data").filter(image_id=image_id).first()
    if image is None:
        raise ReceiptsInvalid.field(
            "image.id", f"no image has the imageId '{image_id}'; upload it first"
        )
    return image
