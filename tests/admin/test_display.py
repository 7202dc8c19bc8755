"""The owner's pages show money and durations the one way the member pages do."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from orders.admin.display import duration, money


def test_admin_money_is_the_sites_one_money_format():
    assert money(Decimal("1234.5"), "EUR") == "1,234.50 EUR"
    assert money(None, "EUR") == ""


def test_durations_are_words_never_a_raw_timedelta():
    assert duration(timedelta(seconds=2.984593)) == "less than a minute"
    assert duration(timedelta(days=3, hours=4)) == "3 days, 4 hours"
    assert duration(timedelta(hours=1, minutes=1)) == "1 hour, 1 minute"
    assert duration(timedelta()) == "none"
