"""The demo data holds orders in different states, made once."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from orders.models import Order


def test_demo_data_has_orders_in_different_states_and_adds_none_when_run_again(clock, db):
    # given the demo data loaded once
    call_command("loaddemo", stdout=StringIO())
    statuses = set(Order.objects.values_list("status", flat=True))
    count = Order.objects.count()
    # when it is loaded again
    call_command("loaddemo", stdout=StringIO())
    # then the orders cover the lifecycle, and none were added
    assert {"DRAFT", "PENDING", "ACTIVE", "PAUSED", "CANCELED"} <= statuses
    assert Order.objects.count() == count
