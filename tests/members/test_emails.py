"""Emails to members: sent by the worker job from the outbox and from due dates, once per
order, kind and cycle, never for a kind the owner turned off."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.db import transaction

from accounts.actors import Actor
from members.models import EmailCursor, EmailKind, EmailMark, EmailSetting, SentEmail
from members.services.checkout import member_checkout
from members.services.emails import member_emails_job
from orders.models import Order
from orders.services.checkout import order_create_offline
from orders.services.clock import clock_run
from orders.services.lifecycle import order_cancel, order_cancellation_undo
from orders.services.payments import invoice_pay
from orders.worker import registered_jobs

pytestmark = pytest.mark.django_db

APPROVED = {"card_number": "4242424242424242"}
DECLINED = {"card_number": "4000000000000002"}


def bought(member, plan, *, card=APPROVED) -> Order:
    order = member_checkout(member=member, plan=plan, submission_id=uuid.uuid4())
    invoice_pay(invoice=order.invoices.get(), actor=Actor.member(member), details=card)
    return Order.objects.get(pk=order.pk)


def run_job(clock) -> int:
    """A worker tick a few seconds later."""
    clock.advance(timedelta(seconds=6))
    return member_emails_job()


def kinds(mailoutbox) -> list[str]:
    return [m.subject for m in mailoutbox]


def test_members_registers_its_worker_job():
    assert registered_jobs()["member_emails"] is member_emails_job


def test_order_confirmation_with_the_invoice_is_sent_once(clock, member, monthly, mailoutbox):
    order = bought(member, monthly)
    run_job(clock)
    run_job(clock)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [member.email]
    assert message.subject == "Your order of Monthly is confirmed"
    invoice = order.invoices.get()
    assert f"Invoice {invoice.number}" in message.body
    assert "Total: 10.00 EUR" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html" and "10.00 EUR" in html


def test_a_committed_change_is_emailed_on_the_next_tick(clock, member, monthly, mailoutbox):
    bought(member, monthly)
    assert member_emails_job() == 1  # the clock has not moved: no settling time
    assert [m.to for m in mailoutbox] == [[member.email]]


def test_an_event_read_again_after_a_restart_sends_nothing_twice(
    clock, member, monthly, mailoutbox
):
    order = bought(member, monthly)
    run_job(clock)
    # A worker that sent, then stopped before removing the marks: they are read again.
    EmailMark.objects.bulk_create(EmailMark(event=event) for event in order.events.all())
    EmailCursor.objects.update(reminders_checked=None)
    run_job(clock)
    assert len(mailoutbox) == 1
    assert not EmailMark.objects.exists()


def test_a_rolled_back_change_leaves_no_mark(clock, member, monthly, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        bought(member, monthly)
        raise RuntimeError("the change fails after writing its events")
    assert not EmailMark.objects.exists()
    assert member_emails_job() == 0


def test_a_kind_turned_off_is_never_sent(clock, member, monthly, mailoutbox):
    EmailSetting.objects.update_or_create(
        kind=EmailKind.ORDER_CONFIRMATION, defaults={"enabled": False}
    )
    order = bought(member, monthly)
    run_job(clock)
    assert mailoutbox == []
    assert SentEmail.objects.get(order=order).skipped


def test_links_in_the_email_open_the_members_pages(clock, client, member, monthly, mailoutbox):
    bought(member, monthly)
    run_job(clock)
    client.force_login(member)
    paths = re.findall(r"http://127\.0\.0\.1:8000(/\S+)", mailoutbox[0].body)
    assert paths
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_a_declined_payment_is_told_once(clock, member, monthly, mailoutbox):
    order = member_checkout(member=member, plan=monthly, submission_id=uuid.uuid4())
    for _ in range(2):
        invoice_pay(invoice=order.invoices.get(), actor=Actor.member(member), details=DECLINED)
    run_job(clock)
    assert kinds(mailoutbox) == ["Your payment for Monthly failed"]


def test_cancellation_scheduled_then_undone_are_both_told(clock, member, monthly, mailoutbox):
    order = bought(member, monthly)
    run_job(clock)
    order_cancel(order.pk, effective_at="NEXT_PAYMENT_DATE", actor=Actor.member(member))
    run_job(clock)
    order_cancellation_undo(order.pk, actor=Actor.member(member))
    run_job(clock)
    assert kinds(mailoutbox) == [
        "Your order of Monthly is confirmed",
        "Monthly will end on 15 Feb 2026",
        "Monthly renews again",
    ]


def test_a_cancellation_undone_before_its_email_went_out_is_told_once(
    clock, member, monthly, mailoutbox
):
    order = bought(member, monthly)
    order_cancel(order.pk, effective_at="NEXT_PAYMENT_DATE", actor=Actor.member(member))
    order_cancellation_undo(order.pk, actor=Actor.member(member))
    run_job(clock)
    assert "Monthly renews again" in kinds(mailoutbox)
    assert not any("will end" in subject for subject in kinds(mailoutbox))


def test_the_end_of_an_order_is_told(clock, member, monthly, mailoutbox):
    order = bought(member, monthly)
    order_cancel(order.pk, effective_at="IMMEDIATELY", actor=Actor.member(member))
    run_job(clock)
    assert "Your plan Monthly has ended" in kinds(mailoutbox)


def test_renewal_reminder_seven_days_before_each_charge(clock, member, monthly, mailoutbox):
    bought(member, monthly)  # renews on 15 Feb, then 15 Mar
    run_job(clock)
    clock.set(clock.now + timedelta(days=20))  # 4 Feb: 11 days before the charge
    run_job(clock)
    assert len(mailoutbox) == 1
    clock.set(clock.now + timedelta(days=4))  # 8 Feb: within 7 days
    run_job(clock)
    clock.advance(minutes=5)
    run_job(clock)
    assert kinds(mailoutbox)[1:] == ["Monthly renews on 15 Feb 2026"]
    assert "10.00 EUR" in mailoutbox[1].body
    clock.set(clock.now + timedelta(days=8))  # 16 Feb: renewed, next charge 15 Mar
    clock_run()
    clock.set(clock.now + timedelta(days=22))  # 10 Mar
    run_job(clock)
    assert kinds(mailoutbox)[-1] == "Monthly renews on 15 Mar 2026"


def test_trial_ending_seven_days_before_its_end(clock, member, plan_factory, mailoutbox):
    plan = plan_factory(name="Trial", free_trial_days=14)
    bought(member, plan)
    run_job(clock)
    clock.set(clock.now + timedelta(days=8))
    run_job(clock)
    assert kinds(mailoutbox)[-1] == "Your free trial of Trial ends on 29 Jan 2026"
    assert "10.00 EUR" in mailoutbox[-1].body


def test_no_renewal_reminder_after_the_cancellation(clock, member, monthly, mailoutbox):
    order = bought(member, monthly)
    order_cancel(order.pk, effective_at="NEXT_PAYMENT_DATE", actor=Actor.member(member))
    clock.set(clock.now + timedelta(days=25))
    run_job(clock)
    assert not any("renews on" in subject for subject in kinds(mailoutbox))


def test_many_events_of_one_moment_are_read_batch_after_batch(
    clock, member_factory, monthly, mailoutbox, monkeypatch
):
    monkeypatch.setattr("members.services.emails.BATCH", 2)
    for index in range(5):  # the pinned clock: every event has the same timestamp
        bought(member_factory(f"same{index}"), monthly)
    ticks = 0
    while EmailMark.objects.exists() and ticks < 50:
        run_job(clock)
        ticks += 1
    assert ticks > 5  # two events a tick
    assert sorted(m.to[0] for m in mailoutbox) == [f"same{i}@example.com" for i in range(5)]


def test_no_charge_reminder_for_an_offline_order(clock, member, monthly, mailoutbox):
    order_create_offline(plan=monthly, buyer=member, actor=Actor.system(), paid=True)
    clock.set(clock.now + timedelta(days=25))
    run_job(clock)
    assert not any("renews on" in subject for subject in kinds(mailoutbox))


def test_the_owner_finds_every_kind_listed_to_turn_off():
    listed = set(EmailSetting.objects.values_list("kind", flat=True))
    assert listed == set(EmailKind.values)


def test_each_declined_retry_of_a_renewal_is_told(clock, member_factory, monthly, mailoutbox):
    # given a paid order whose card is declined from its first renewal on
    buyer = member_factory("dora", email="dora+decline@example.com")
    order = bought(buyer, monthly)
    renewal = Order.objects.get(pk=order.pk).next_transition_at
    # when the renewal and its first retry (a day later) are both declined
    clock.set(renewal)
    clock_run()
    run_job(clock)
    clock.set(renewal + timedelta(days=1))
    clock_run()
    run_job(clock)
    run_job(clock)  # a second tick, or another worker, tells nothing more
    # then the member heard of each try
    failed = [k for k in kinds(mailoutbox) if "failed" in k]
    assert len(failed) == 2
    tries = SentEmail.objects.filter(order=order, kind=EmailKind.PAYMENT_FAILED)
    assert sorted(tries.values_list("attempt", flat=True)) == [1, 2]
