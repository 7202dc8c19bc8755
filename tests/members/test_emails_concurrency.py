"""On PostgreSQL with real concurrency: two workers at once send each email once, and a
change whose transaction commits late is still emailed."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection, transaction

from accounts.actors import Actor
from members.services.checkout import member_checkout
from members.services.emails import member_emails_job
from orders.services.checkout import order_create_offline
from orders.services.lifecycle import order_cancel
from orders.services.payments import invoice_pay
from tests.orders.test_concurrency import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_workers_at_once_send_each_email_once(clock, member_factory, plan_factory, mailoutbox):
    plan = plan_factory(name="Monthly")
    for index in range(5):
        member = member_factory(f"buyer{index}")
        order = member_checkout(member=member, plan=plan, submission_id=uuid.uuid4())
        invoice_pay(
            invoice=order.invoices.get(),
            actor=Actor.member(member),
            details={"card_number": "4242424242424242"},
        )
    results = at_once([member_emails_job, member_emails_job])
    assert sum(results) == 5
    assert sorted(m.to[0] for m in mailoutbox) == [f"buyer{i}@example.com" for i in range(5)]


def test_a_change_committed_late_still_gets_its_email(
    clock, member_factory, plan_factory, mailoutbox
):
    """A purchase whose transaction stays open while a later change commits and is emailed:
    the purchase is emailed once it commits (a time cursor would have passed it by)."""
    early = member_factory("early")
    plan = plan_factory(name="Monthly")
    early_order = order_create_offline(plan=plan, buyer=early, actor=Actor.system(), paid=True)
    member_emails_job()
    mailoutbox.clear()
    late = member_factory("late")
    written, release = threading.Event(), threading.Event()

    def slow_purchase() -> None:
        try:
            with transaction.atomic():
                order_create_offline(
                    plan=plan_factory(name="Yearly"), buyer=late, actor=Actor.system(), paid=True
                )
                written.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_purchase)
    thread.start()
    try:
        assert written.wait(30)
        clock.advance(timedelta(seconds=30))  # far past any settling time
        order_cancel(early_order.pk, effective_at="NEXT_PAYMENT_DATE", actor=Actor.member(early))
        clock.advance(timedelta(seconds=30))
        member_emails_job()
        assert [m.to[0] for m in mailoutbox] == ["early@example.com"]
    finally:
        release.set()
        thread.join(30)
    member_emails_job()
    assert [m.to[0] for m in mailoutbox] == ["early@example.com", "late@example.com"]
    assert "Yearly" in mailoutbox[1].subject
