"""The demo data holds orders in different states, made once."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command

from orders.models import Order, OrderTimelineEntry, PausePeriod, Payment
from orders.worker import registered_jobs


def test_demo_data_has_orders_in_different_states_and_adds_none_when_run_again(clock, db):
    # given the demo data loaded once
    call_command("loaddemo", "--months", "0", stdout=StringIO())
    statuses = set(Order.objects.values_list("status", flat=True))
    count = Order.objects.count()
    # when it is loaded again
    call_command("loaddemo", "--months", "0", stdout=StringIO())
    # then the orders cover the lifecycle, and none were added
    assert {"DRAFT", "PENDING", "ACTIVE", "PAUSED", "CANCELED"} <= statuses
    assert Order.objects.count() == count


def test_demo_history_buys_renews_pauses_and_cancels_through_the_services_once(
    clock, db, mailoutbox
):
    # given: three months of history replayed week by week
    call_command("loaddemo", "--months", "3", stdout=StringIO())
    mailoutbox.clear()  # what the replay's catch-up sent (kept in memory, dropped)
    count = Order.objects.count()
    # then: orders bought weeks apart, renewed by the clock, some paused, canceled, declined
    first = Order.objects.order_by("created_date").first()
    assert clock.now - first.created_date > timedelta(days=80)
    assert Payment.objects.filter(status="SUCCEEDED", invoice__cycle_index__gte=2).exists()
    assert PausePeriod.objects.exists()
    assert Order.objects.filter(status="CANCELED").exists()
    assert OrderTimelineEntry.objects.filter(actor_kind="CLOCK").exists()
    # and the worker's jobs have nothing left of the history to do (no flood of old emails):
    # only the demo members' own orders, made now after the history, are news
    for job in registered_jobs().values():
        job()
    assert {m.to[0] for m in mailoutbox} <= {"alice@example.com", "bob@example.com"}
    # and a second run adds nothing
    call_command("loaddemo", "--months", "3", stdout=StringIO())
    assert Order.objects.count() == count
