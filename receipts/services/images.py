"""Uploading images: checked outside any transaction, stored once, never overwritten."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from accounts.actors import Actor
from config import clock
from receipts.errors import ImageExists, ImageNotFound, ReceiptsInvalid
from receipts.models import ReceiptImage
from receipts.validation.images import ImageRejected, decode_base64, inspect_image
from receipts.validation.text import is_valid_id


@dataclass(frozen=True)
class ImageUpload:
    image: ReceiptImage
    created: bool  # False: an exact replay of an earlier upload, nothing was written


def image_upload(*, image_id: str, src: str, actor: Actor) -> ImageUpload:
    """Store the image under ``image_id``. The same id with the same bytes is an idempotent
    replay; with different bytes it is a conflict (an image is never overwritten)."""
    data = _decoded(src)
    digest = hashlib.sha256(data).hexdigest()
    existing = _existing(image_id)
    if existing is not None:
        return _replay(existing, digest)
    try:
        facts = inspect_image(data)
    except ImageRejected as exc:
        raise ReceiptsInvalid.field("src", exc.reason) from None
    image = ReceiptImage(
        image_id=image_id,
        format=facts.format,
        width=facts.width,
        height=facts.height,
        size=facts.size,
        sha256=facts.sha256,
        data=data,
    )
    image.stamp(actor, clock.now())
    try:
        with transaction.atomic():
            image.save(force_insert=True)
    except IntegrityError:
        # Another upload of the same id committed between our look-up and our insert.
        return _replay(_existing(image_id), digest)
    return ImageUpload(image, created=True)


def image_get(image_id: str) -> ReceiptImage:
    image = None
    if is_valid_id(image_id):
        image = ReceiptImage.objects.filter(image_id=image_id).first()
    if image is None:
        raise ImageNotFound(f"No image has the imageId '{image_id}'.")
    return image


def _decoded(src: str) -> bytes:
    try:
        return decode_base64(src)
    except ImageRejected as exc:
        raise ReceiptsInvalid.field("src", exc.reason) from None


def _existing(image_id: str) -> ReceiptImage | None:
    return ReceiptImage.objects.defer("data").filter(image_id=image_id).first()


def _replay(existing: ReceiptImage | None, digest: str) -> ImageUpload:
    if existing is None or existing.sha256 != digest:
        raise ImageExists()
    return ImageUpload(existing, created=False)
