"""The one source of "now" for every rule that depends on time.

The order lifecycle, session expiry and the worker read time only through ``now()``, never
``timezone.now()``, so that time can be moved:

* in tests, inside one process: ``override(dt)`` pins the clock, ``advance(delta)`` moves it
  (the ``clock`` fixture in tests/conftest.py wraps both);
* across processes, for demos and black-box tests: with ``TALLY_TEST_CLOCK=1`` the time is real
  time plus an offset stored in the database (``ClockOffset``), which
  ``manage.py clock advance 30d`` moves for the web server and the worker at once.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_duration

_pinned: dict[str, datetime | None] = {"at": None}
_lock = threading.Lock()


class TestClockDisabled(Exception):
    """The shared test clock is off (TALLY_TEST_CLOCK is not 1)."""


def now() -> datetime:
    """The current time: aware, UTC."""
    pinned = _pinned["at"]
    if pinned is not None:
        return pinned
    real = timezone.now()
    if settings.TALLY_TEST_CLOCK:
        return real + stored_offset()
    return real


def override(at: datetime | None) -> None:
    """Pin the clock of this process at ``at`` (None releases it). For tests."""
    if at is not None and at.tzinfo is None:
        raise ValueError("the clock only holds aware datetimes")
    with _lock:
        _pinned["at"] = at.astimezone(UTC) if at else None


@contextmanager
def travel(at: datetime) -> Iterator[None]:
    """Pin this process's clock at ``at`` for a block, then restore what was there before.

    For replaying history through the services (the demo's 18 months), not for serving.
    """
    with _lock:
        previous = _pinned["at"]
    override(at)
    try:
        yield
    finally:
        override(previous)


def move(delta: timedelta) -> datetime:
    """Move a pinned clock forward by ``delta`` and return the new time. For tests."""
    with _lock:
        if _pinned["at"] is None:
            raise RuntimeError("pin the clock with override() before moving it")
        _pinned["at"] = _pinned["at"] + delta
        return _pinned["at"]


def stored_offset() -> timedelta:
    from config.models import ClockOffset

    row = ClockOffset.objects.filter(pk=1).values_list("offset", flat=True).first()
    return row or timedelta()


def advance_shared(delta: timedelta) -> datetime:
    """Move the shared test clock (every process) forward by ``delta``."""
    if not settings.TALLY_TEST_CLOCK:
        raise TestClockDisabled(
            "The test clock is off. Start the server and the worker with TALLY_TEST_CLOCK=1 "
            "to move time."
        )
    if delta < timedelta():
        raise ValueError("the clock only moves forward")
    from django.db import transaction
    from django.db.models import F

    from config.models import ClockOffset

    with transaction.atomic():
        ClockOffset.objects.get_or_create(pk=1)
        ClockOffset.objects.filter(pk=1).update(offset=F("offset") + delta)
    return now()


_SHORT = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_delta(text: str) -> timedelta:
    """``30d``, ``12h``, ``90m``, ``2w`` or an ISO 8601 duration (``P1DT2H``)."""
    match = _SHORT.match(text or "")
    if match:
        return timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})
    parsed = parse_duration(text or "")
    if parsed is None or not (text or "").strip().upper().startswith("P"):
        raise ValueError(f"'{text}' is not a duration: use 30d, 12h, 45m, 2w or ISO 8601 (P1DT2H)")
    return parsed
