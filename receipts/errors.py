"""Domain errors of the receipts API. Each carries a stable ``code``; the API renders them as
RFC 7807 problems (receipts/api/problems.py), the admin and pages show their message."""

from __future__ import annotations

from config.errors import ConflictError, InvalidError, NotFoundError


class ReceiptsInvalid(InvalidError):
    """One or more fields break a rule; ``invalid_params`` names each by its JSON path."""

    code = "INVALID_PARAMS"
    message = "One or more fields are invalid."

    def __init__(self, invalid_params: list[dict[str, str]]) -> None:
        super().__init__(data={"invalidParams": invalid_params})
        self.invalid_params = invalid_params

    @classmethod
    def field(cls, name: str, reason: str) -> ReceiptsInvalid:
        return cls([{"name": name, "reason": reason}])


class PaymentNotFound(NotFoundError):
    code = "PAYMENT_NOT_FOUND"

    def __init__(self, transaction_id: str) -> None:
        super().__init__(f"No payment has the transaction id '{transaction_id}'.")


class PaymentNotSucceeded(ConflictError):
    """Receipts and order metadata describe a purchase; a failed payment bought nothing."""

    code = "PAYMENT_NOT_SUCCEEDED"


class ReceiptNotFound(NotFoundError):
    code = "RECEIPT_NOT_FOUND"


class OrderMetadataNotFound(NotFoundError):
    code = "ORDER_METADATA_NOT_FOUND"


class ImageNotFound(NotFoundError):
    code = "IMAGE_NOT_FOUND"


class ReceiptExists(ConflictError):
    code = "RECEIPT_EXISTS"
    message = "This payment already has a receipt; a receipt is stored once and never replaced."


class ImageExists(ConflictError):
    code = "IMAGE_EXISTS"
    message = (
        "An image with this imageId already exists with different content; images are "
        "immutable, upload the new file under a new imageId."
    )
