"""When a failed delivery is tried again (contract section 4, Svix's schedule).

After the first attempt fails: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (8 attempts over about
27.5 hours), each +-20 % jitter so many failures do not come back at once. A ``Retry-After``
on 429 or 503 is honoured when longer, up to twice the step's delay.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
JITTER = 0.2
RETRY_AFTER_STATUSES = (429, 503)


def retry_delay(attempts: int, *, retry_after: timedelta | None = None) -> timedelta | None:
    """The wait after the ``attempts``-th failure, or None when the retries are exhausted."""
    if attempts >= MAX_ATTEMPTS:
        return None
    step = RETRY_DELAYS[attempts - 1]
    delay = step * random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311 - not a secret
    if retry_after is not None and retry_after > delay:
        delay = min(retry_after, step * 2)
    return delay


def parse_retry_after(value: str | None, *, now: datetime) -> timedelta | None:
    """``Retry-After``: seconds, or an HTTP date; anything else is ignored."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        at = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if at.tzinfo is None:
        return None
    return max(at - now, timedelta())
