"""Demo data: an owner, two members, an app with every scope, plans of every kind, a coupon.

Idempotent: running it again updates the same rows and issues fresh tokens; passwords that
already match are left alone, so signed-in browsers stay signed in.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import services as accounts
from accounts.actors import Actor
from accounts.models import App, User
from accounts.scopes import ALL_SCOPES
from config import clock
from orders.demo_history import MONTHS, demo_history
from orders.models import DiscountType, Order, PeriodUnit, PricingModel
from orders.services import lifecycle
from orders.services.catalogue import coupon_upsert, plan_upsert, tax_set
from orders.services.checkout import order_create_offline, order_create_online
from orders.services.payments import invoice_pay

OWNER = {"username": "owner", "email": "owner@example.com", "password": "tally-owner"}
MEMBERS = [
    {"username": "alice", "email": "alice@example.com", "password": "tally-alice"},
    {"username": "bob", "email": "bob@example.com", "password": "tally-bob"},
]
APP_NAME = "Demo app"

PLANS = [
    {
        "name": "Monthly (12 months)",
        "description": "Billed every month for a year.",
        "price": Decimal("10.00"),
        "pricing_model": PricingModel.SUBSCRIPTION,
        "duration_unit": PeriodUnit.MONTH,
        "cycle_count": 12,
    },
    {
        "name": "Monthly until canceled",
        "description": "Billed every month, with a 14-day free trial.",
        "price": Decimal("15.00"),
        "pricing_model": PricingModel.SUBSCRIPTION,
        "duration_unit": PeriodUnit.MONTH,
        "cycle_count": 0,
        "free_trial_days": 14,
    },
    {
        "name": "Yearly",
        "description": "Billed every year, renews until canceled.",
        "price": Decimal("100.00"),
        "pricing_model": PricingModel.SUBSCRIPTION,
        "duration_unit": PeriodUnit.YEAR,
        "cycle_count": 0,
    },
    {
        "name": "Summer pass (3 months)",
        "description": "One payment for three months.",
        "price": Decimal("25.00"),
        "pricing_model": PricingModel.SINGLE_PAYMENT_FOR_DURATION,
        "duration_count": 3,
        "duration_unit": PeriodUnit.MONTH,
        "purchase_limit": 1,
    },
    {
        "name": "Lifetime",
        "description": "One payment, never ends.",
        "price": Decimal("300.00"),
        "pricing_model": PricingModel.SINGLE_PAYMENT_UNLIMITED,
    },
    {
        "name": "Free",
        "description": "The free tier.",
        "price": Decimal("0"),
        "pricing_model": PricingModel.SINGLE_PAYMENT_UNLIMITED,
    },
]


def demo_orders(members: list[User], plans: dict) -> None:
    """A handful of orders in different states, made through the order services.

    Called only when there are no orders yet, so running the command again adds none.
    """
    alice, bob = members
    actor = Actor.system("demo data")

    def online(buyer, plan_name, *, pay=True):
        order = order_create_online(plan=plans[plan_name], buyer=buyer, actor=actor)
        if pay and order.status == "DRAFT":
            invoice = order.invoices.get()
            invoice_pay(invoice=invoice, outcome="SUCCEEDED", actor=actor)
        return order

    online(alice, "Monthly (12 months)")  # ACTIVE, paid
    yearly = online(alice, "Yearly")
    lifecycle.order_cancel(yearly.pk, effective_at="NEXT_PAYMENT_DATE", actor=actor)
    online(alice, "Lifetime", pay=False)  # DRAFT, waiting for payment
    order_create_offline(plan=plans["Summer pass (3 months)"], buyer=alice, actor=actor)
    order_create_offline(
        plan=plans["Monthly until canceled"],
        buyer=alice,
        actor=actor,
        paid=True,
        start_date=clock.now() + timedelta(days=7),
    )  # PENDING
    online(bob, "Monthly until canceled")  # ACTIVE, in its free trial
    paused = online(bob, "Monthly (12 months)")
    lifecycle.order_pause(paused.pk, actor=actor)
    canceled = online(bob, "Summer pass (3 months)")
    lifecycle.order_cancel(canceled.pk, effective_at="IMMEDIATELY", actor=actor)
    online(bob, "Free")  # ACTIVE, nothing to pay


class Command(BaseCommand):
    help = "Load demo data (safe to run again). --json prints logins, tokens and ids as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="last line of stdout is JSON")
        parser.add_argument(
            "--months",
            type=int,
            default=MONTHS,
            help=f"months of order history to make on a first run (default {MONTHS}; 0: none)",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        owner = self.person(OWNER, staff=True)
        members = [self.person(m) for m in MEMBERS]
        app = App.objects.filter(name=APP_NAME).first()
        if app is None:
            app, app_token = accounts.app_create(name=APP_NAME, scopes=ALL_SCOPES)
        else:
            app.scopes, app.is_active = list(ALL_SCOPES), True
            app.save(update_fields=["scopes", "is_active"])
            app_token = accounts.app_token_issue(app=app)
        plans = [plan_upsert(**spec) for spec in PLANS]
        coupon = coupon_upsert(
            code="SAVE10", discount_type=DiscountType.PERCENT, value=Decimal("10"), enabled=True
        )
        tax_set(name="VAT", rate=Decimal("0"), included_in_price=True)
        if not Order.objects.exists():
            by_name = {p.name: p for p in plans}
            demo_history(by_name, months=options["months"])
            demo_orders(members, by_name)
        result = {
            "owner": {"username": owner.username, "password": OWNER["password"]},
            "app": {"name": app.name, "appDefId": str(app.app_def_id), "token": app_token},
            "members": [
                {
                    "email": m.email,
                    "username": m.username,
                    "password": spec["password"],
                    "memberId": str(m.member_id),
                    "token": accounts.member_token_issue(member=m),
                }
                for m, spec in zip(members, MEMBERS, strict=True)
            ],
            "plans": [{"id": str(p.id), "name": p.name} for p in plans],
            "coupons": [coupon.code],
        }
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(f"Owner login: {OWNER['username']} / {OWNER['password']}")
        for spec in MEMBERS:
            self.stdout.write(f"Member login: {spec['username']} / {spec['password']}")
        self.stdout.write(f"App token ({app.name}, every scope): {app_token}")

    @staticmethod
    def person(spec: dict, staff: bool = False) -> User:
        user = User.objects.filter(username=spec["username"]).first() or User(
            username=spec["username"]
        )
        user.email = spec["email"]
        user.is_staff = user.is_superuser = staff
        user.is_active = True
        # Setting the same password again would still change its hash, and with it every
        # session's auth hash: a re-run would log every browser out.
        if not user.check_password(spec["password"]):
            user.set_password(spec["password"])
        user.save()
        return user
