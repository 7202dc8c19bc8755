"""The order domain's errors, each with the stable code clients compare verbatim.

Codes of contract section 4 are reproduced exactly, including their mixed case
(``archived_plan`` next to ``MEMBER_REQUIRED``). Refused state transitions are one class,
``IllegalTransition`` (409), with one code per refusal; ``TRANSITION_CODES`` lists them all
and the README documents each.
"""

from __future__ import annotations

from typing import Any

from config.errors import ConflictError, FieldError, ForbiddenError, InvalidError, NotFoundError

__all__ = [
    "ArchivedPlan",
    "BuyingForAnother",
    "CouponError",
    "FieldError",
    "CreditNoteNotFound",
    "IllegalTransition",
    "InvalidStartDate",
    "MemberNotFound",
    "MemberRequired",
    "OrderNotFound",
    "InvoiceNotFound",
    "PaymentError",
    "PaymentNotFound",
    "PlanNotFound",
    "PurchaseLimitReached",
    "RefundNotRetryable",
    "RefundRefused",
    "TRANSITION_CODES",
]


class OrderNotFound(NotFoundError):
    code = "ORDER_NOT_FOUND"
    message = "No order with this id."


class InvoiceNotFound(NotFoundError):
    code = "INVOICE_NOT_FOUND"
    message = "No invoice with this id."


class PaymentNotFound(NotFoundError):
    code = "PAYMENT_NOT_FOUND"
    message = "No payment with this id."


class RefundRefused(ConflictError):
    code = "PAYMENT_NOT_REFUNDABLE"
    message = "Only a succeeded payment that is not refunded in full can be refunded."


class CreditNoteNotFound(NotFoundError):
    code = "CREDIT_NOTE_NOT_FOUND"
    message = "No credit note with this id."


class RefundNotRetryable(ConflictError):
    code = "REFUND_NOT_RETRYABLE"
    message = (
        "Only a refund the provider declined, or one pending for more than 2 minutes, "
        "can be tried again."
    )


class PlanNotFound(NotFoundError):
    """404 when the plan is the subject; callers raise it with ``status=400`` in a body field."""

    code = "PLAN_NOT_FOUND"
    message = "No plan with this id."

    def __init__(self, message: str | None = None, *, status: int = 404, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.status = status


class ArchivedPlan(InvalidError):
    code = "archived_plan"
    message = "This plan is archived and can no longer be bought."


class MemberNotFound(InvalidError):
    code = "member_not_found"
    message = "No member with this id."


class MemberRequired(InvalidError):
    code = "MEMBER_REQUIRED"
    message = "An online order is for a member: sign in, or name the member in onBehalf."


class BuyingForAnother(ForbiddenError):
    message = "A member buys only for themselves."


class PurchaseLimitReached(InvalidError):
    code = "purchases_limit_reached"
    message = "The buyer already holds as many orders of this plan as it allows."


class InvalidStartDate(InvalidError):
    code = "invalid_start_date"
    message = "The start date cannot be in the past."


class CouponError(InvalidError):
    """A coupon was refused; ``code`` is one of the contract's ``ERROR_COUPON_...`` codes."""

    MESSAGES = {
        "ERROR_COUPON_DOES_NOT_EXIST": "No coupon with this code.",
        "ERROR_COUPON_IS_DISABLED": "This coupon is disabled.",
        "ERROR_COUPON_IS_NOT_ACTIVE_YET": "This coupon is not valid yet.",
        "ERROR_COUPON_HAS_EXPIRED": "This coupon has expired.",
        "ERROR_COUPON_NOT_APPLICABLE_FOR_PLAN": "This coupon does not apply to this plan.",
        "ERROR_COUPON_USAGE_EXCEEDED": "This coupon has been used as often as it allows.",
        "ERROR_COUPON_LIMIT_PER_CUSTOMER_EXCEEDED": "The buyer has used this coupon already.",
        "ERROR_INVALID_SUBTOTAL": "A coupon cannot apply to a free plan.",
    }

    def __init__(self, code: str, *, coupon_code: str, plan_id: Any) -> None:
        super().__init__(
            self.MESSAGES[code],
            code=code,
            data={"couponCode": coupon_code, "planId": str(plan_id)},
        )


class PaymentError(InvalidError):
    code = "INVALID_PAYMENT"


# Every refusal of a state change, with the sentence the API and the admin show.
TRANSITION_CODES: dict[str, str] = {
    "ORDER_NOT_ACTIVE": "Only an active order can be {action}.",
    "ORDER_NOT_PAUSED": "Only a paused order can be resumed.",
    "ORDER_IN_FREE_TRIAL": "An order cannot be paused during its free trial.",
    "ORDER_IS_PAUSED": "A paused order's end date cannot be postponed; resume it first.",
    "ORDER_HAS_NO_END_DATE": (
        "Only an order bought for a fixed term can have its end date postponed "
        "(this one was bought to renew until canceled, or never to end)."
    ),
    "END_DATE_NOT_LATER": "The new end date must be later than the current one.",
    "ORDER_ALREADY_ENDED": "This order has already ended or been canceled.",
    "ORDER_NOT_STARTED": "This order has not been paid yet (it is a draft).",
    "ONLINE_ORDER_CANNOT_BE_MARKED_PAID": "Only offline orders can be marked as paid.",
    "ORDER_ALREADY_PAID": "This order is already paid.",
    "ORDER_IS_FREE": "This order is free: there is nothing to pay.",
    "NEXT_PAYMENT_DATE_NOT_ALLOWED_FOR_ONE_TIME_ORDER": (
        "A one-time payment order can only be canceled immediately."
    ),
    "CANCELLATION_ALREADY_SCHEDULED": (
        "This order is already set to end at its next payment date."
    ),
    "ORDER_NOT_DRAFT": "Only a draft order waits for its first payment.",
    "NO_CANCELLATION_SCHEDULED": "This order has no cancellation at its next payment date to undo.",
    "START_DATE_NOT_CHANGEABLE": (
        "Only a draft order's start date can change: once paid, the start date is fixed."
    ),
    "START_DATE_IN_THE_PAST": "The new start date cannot be in the past.",
    "INVOICE_NOT_PAYABLE": "This invoice is not awaiting payment.",
    "PAYMENT_IN_PROGRESS": "A payment of this invoice is under way; try again in a moment.",
}


class IllegalTransition(ConflictError):
    """The order's state does not allow the requested change. Nothing was changed."""

    def __init__(self, code: str, *, status: str = "", action: str = "", **data: Any) -> None:
        message = TRANSITION_CODES[code].format(action=action or "changed")
        super().__init__(
            message,
            code=code,
            data={"status": status, **({"action": action} if action else {}), **data},
        )
