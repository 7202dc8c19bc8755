"""``manage.py doctor``: check a live database for the invariants the tests hold."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from config import clock
from orders.invariants import BATCH_SIZE, GRACE, findings


class Command(BaseCommand):
    help = (
        "Check every order for the invariants the services keep (gap-free event sequences "
        "and invoice numbers, status consistent with dates, everything due scheduled, one "
        "open pause period per paused order, payments within invoices, refunds within "
        "payments). Prints each problem with its order id; exits 1 when there is any."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help="orders read per query"
        )
        parser.add_argument(
            "--grace-minutes",
            type=float,
            default=GRACE.total_seconds() / 60,
            help="how long due work may wait for the worker before it is a problem",
        )

    def handle(self, *args, batch_size: int, grace_minutes: float, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        problems = 0
        grace = timedelta(minutes=grace_minutes)
        for finding in findings(now=clock.now(), batch_size=batch_size, grace=grace):
            problems += 1
            order = f"order {finding.order_id}" if finding.order_id else "all orders"
            self.stdout.write(f"{finding.check}: {order}: {finding.detail}")
        if problems:
            raise CommandError(f"{problems} problem(s) found.", returncode=1)
        self.stdout.write("All invariants hold.")
