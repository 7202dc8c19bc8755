"""The order-session errors, one class per contract code (contract/order-sessions.md section 4).

Shaped like Django's signing errors: every refusal of a token is an ``OrderSessionError``, and
the codec raises the narrowest one it can prove. Messages are fixed strings: no error ever
carries library names, exception text or key ids, so a caller learns nothing about our keys.
"""

from __future__ import annotations

from config.errors import ConflictError, DomainError, InvalidError, NotFoundError
from orders import errors as orders_errors


class OrderSessionError(DomainError):
    """Any refusal of an order-session token (base class; defines no code of its own)."""


class InvalidOrderSessionId(OrderSessionError, InvalidError):
    """The token is not one we could have made: shape, encoding, header, algorithm or size."""

    code = "INVALID_ORDER_SESSION_ID"
    message = "The order session id is not valid."


class OrderSessionNotFound(OrderSessionError, NotFoundError):
    """Another app's token, a tampered one, or one under an unknown or retired key.

    One answer for all of these, so that nobody can tell which one it was.
    """

    code = "ORDER_SESSION_NOT_FOUND"
    message = "No such order session."


class OrderSessionExpired(OrderSessionError, InvalidError):
    code = "EXPIRED_ORDER_SESSION"
    message = "The order session has expired."


class OrderSessionNotYetValid(OrderSessionError, InvalidError):
    code = "ORDER_SESSION_NOT_YET_VALID"
    message = "The order session is not valid yet."


class OrderSessionAlreadySubmitted(OrderSessionError, ConflictError):
    """The session made its order already; ``data.orderId`` names it."""

    code = "ORDER_SESSION_ALREADY_SUBMITTED"
    message = "The order session was submitted already."

    def __init__(self, order_id: str) -> None:
        super().__init__(data={"orderId": order_id})


class MoreThanOneCoupon(InvalidError):
    code = "MORE_THAN_ONE_COUPON"
    message = "An order session takes at most one coupon code."


class OrderSessionTooLarge(InvalidError):
    """The session data would not fit the token size cap (it travels in a URL path)."""

    code = "ORDER_SESSION_TOO_LARGE"
    message = "The order session data is too large."


class SessionKeyError(DomainError):
    """A key rotation or retirement was refused."""

    code = "SESSION_KEY_REFUSED"


InvoiceNotFound = orders_errors.InvoiceNotFound  # one error, raised by orders' payments too
