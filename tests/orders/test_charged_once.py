"""A charge happens once whatever crashes: attempts are committed before the provider is
called, carry an idempotency key, and an unresolved one is settled by asking the provider."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection

from accounts.actors import Actor
from config.errors import DomainError
from orders.errors import IllegalTransition
from orders.models import PaymentAttempt, TestProviderRecord
from orders.services.attempts import attempt_new
from orders.services.clock import RETRY_AFTER, clock_run
from orders.services.payments import CRASH_EXIT_CODE, invoice_pay
from tests.orders.conftest import first_invoice, refreshed
from tests.orders.test_concurrency import PARALLEL, at_once

ROOT = Path(__file__).resolve().parents[2]
CRASHING = "orders.services.payments.CrashingTestPaymentProvider"
APPROVED = {"card_number": "4242424242424242"}


def under_way(online_order, clock, key: str):
    """A draft whose payment has begun: its attempt committed, no answer recorded."""
    order = online_order(pay=False)
    invoice = first_invoice(order)
    attempt = attempt_new(invoice, order, key=key, at=clock.now)
    attempt.save()
    return order, invoice, attempt


def test_a_renewal_is_charged_under_the_key_of_an_attempt_committed_first(clock, online_order):
    # given a paid monthly order
    order = online_order(price="15.00")
    # when its next cycle is due
    clock.set(order.next_transition_at)
    clock_run()
    # then one attempt, with its key, was resolved by the provider's one answer to that key
    invoice = refreshed(order).invoices.get(cycle_index=2)
    attempt = PaymentAttempt.objects.get(invoice=invoice)
    assert (attempt.status, attempt.payment.status) == ("SUCCEEDED", "SUCCEEDED")
    record = TestProviderRecord.objects.get(idempotency_key=attempt.idempotency_key)
    assert (record.kind, record.amount) == ("CHARGE", invoice.total)


def test_a_payment_by_hand_is_charged_under_its_attempts_key(clock, online_order):
    order = online_order(pay=False)
    payment = invoice_pay(invoice=first_invoice(order), actor=Actor.system(), details=APPROVED)
    attempt = PaymentAttempt.objects.get(payment=payment)
    assert TestProviderRecord.objects.filter(idempotency_key=attempt.idempotency_key).count() == 1
    assert refreshed(order).status == "ACTIVE"


def test_a_second_payment_while_one_is_under_way_is_refused(clock, online_order):
    # given a draft whose payment has begun (its attempt committed, no answer yet)
    order, invoice, _ = under_way(online_order, clock, "pay:under-way")
    # when the buyer pays again
    with pytest.raises(IllegalTransition) as refused:
        invoice_pay(invoice=invoice, actor=Actor.system(), details=APPROVED)
    # then nothing is charged a second time
    assert refused.value.code == "PAYMENT_IN_PROGRESS"
    assert not TestProviderRecord.objects.exists()


def test_a_payment_interrupted_before_the_provider_heard_of_it_can_be_paid_again(
    clock, online_order
):
    order, invoice, attempt = under_way(online_order, clock, "pay:lost")
    clock.advance(minutes=5)
    invoice_pay(invoice=invoice, actor=Actor.system(), details=APPROVED)
    assert PaymentAttempt.objects.get(pk=attempt.pk).status == "FAILED"
    assert refreshed(order).status == "ACTIVE"
    assert TestProviderRecord.objects.count() == 1


def test_a_payment_the_provider_took_before_a_crash_is_recorded_not_charged_again(
    clock, online_order
):
    # given a payment the provider took, whose answer was never recorded (the process died)
    order, invoice, attempt = under_way(online_order, clock, "pay:taken")
    TestProviderRecord.objects.create(
        idempotency_key="pay:taken",
        kind="CHARGE",
        amount=invoice.total,
        currency=invoice.currency,
        status="SUCCEEDED",
        created_date=clock.now,
    )
    # when the buyer tries again later
    clock.advance(minutes=5)
    with pytest.raises(IllegalTransition) as refused:
        invoice_pay(invoice=invoice, actor=Actor.system(), details=APPROVED)
    # then the earlier charge is recorded (the order is paid) and no second one is made
    assert refused.value.code == "INVOICE_NOT_PAYABLE"
    assert PaymentAttempt.objects.get(pk=attempt.pk).status == "SUCCEEDED"
    assert refreshed(order).status == "ACTIVE"
    assert TestProviderRecord.objects.count() == 1


def _probe(url: str, *args: str, provider: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.setdefault("TALLY_SECRET_KEY", "test-only-key")
    env.pop("TALLY_PAYMENT_PROVIDER", None)
    if provider:
        env["TALLY_PAYMENT_PROVIDER"] = provider
    command = [sys.executable, "-m", "tests.orders.crash_probe", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def _database_url(tmp_path: Path, migrated_sqlite) -> str:
    """This test database on PostgreSQL; on SQLite (in memory here) a migrated file."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    return migrated_sqlite(tmp_path / "crash.sqlite3")


@pytest.mark.django_db(transaction=True)
def test_a_crash_between_charge_and_commit_charges_once_and_pays_the_same_invoice(
    tmp_path, migrated_sqlite
):
    url = _database_url(tmp_path, migrated_sqlite)
    bought = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    order_id = _probe(url, "seed", bought.isoformat()).stdout.strip().splitlines()[-1]
    renewal = bought + timedelta(days=31)
    # when the clock charges the renewal and its process dies before recording the answer
    crashed = _probe(url, "clock", renewal.isoformat(), provider=CRASHING)
    assert crashed.returncode == CRASH_EXIT_CODE, crashed.stderr
    before = json.loads(_probe(url, "report", order_id).stdout)
    assert (before["charges"], before["attempts"], before["invoice_status"]) == (
        1,
        ["PENDING"],
        ["ISSUED"],
    )
    # and the clock runs again once the order is due again
    rerun = _probe(url, "clock", (renewal + RETRY_AFTER).isoformat())
    assert rerun.returncode == 0, rerun.stderr
    # then the cycle was charged once, and that one charge paid the same invoice
    after = json.loads(_probe(url, "report", order_id).stdout)
    assert after["charges"] == 1
    assert after["invoices"] == before["invoices"]
    assert (after["invoice_status"], after["attempts"], after["payments"]) == (
        ["PAID"],
        ["SUCCEEDED"],
        ["SUCCEEDED"],
    )
    assert (after["status"], after["cycle"]) == ("ACTIVE", 2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_payments_of_one_draft_charge_once(clock, online_order):
    # given a draft
    order = online_order(pay=False)
    invoice = first_invoice(order)
    # when its buyer's payment is sent 20 times at once
    pay = lambda: invoice_pay(  # noqa: E731
        invoice=invoice, actor=Actor.member(order.buyer), details=APPROVED
    )
    results = at_once([pay] * PARALLEL)
    # then one payment went through and the others were refused, with one charge made
    assert sum(1 for r in results if not isinstance(r, DomainError)) == 1
    assert {r.code for r in results if isinstance(r, DomainError)} <= {
        "PAYMENT_IN_PROGRESS",
        "INVOICE_NOT_PAYABLE",
        "ORDER_NOT_DRAFT",
    }
    assert TestProviderRecord.objects.count() == 1
    assert list(refreshed(order).payments.values_list("status", flat=True)) == ["SUCCEEDED"]
