"""Two workers at once on PostgreSQL send each email once."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from accounts.actors import Actor
from members.services.checkout import member_checkout
from members.services.emails import SETTLE, member_emails_job
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
    clock.advance(SETTLE + timedelta(seconds=1))
    results = at_once([member_emails_job, member_emails_job])
    assert sum(results) == 5
    assert sorted(m.to[0] for m in mailoutbox) == [f"buyer{i}@example.com" for i in range(5)]
