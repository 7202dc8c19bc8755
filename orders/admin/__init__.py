"""The site owner's dashboard for the pricing-plans domain. One module per area."""

from orders.admin import (
    catalogue,  # noqa: F401
    members,  # noqa: F401
    orders,  # noqa: F401
)
