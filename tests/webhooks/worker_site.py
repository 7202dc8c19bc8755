"""A site for the worker-process tests, driven from subprocesses on its own database.

    python -m tests.webhooks.worker_site seed <receiver url> <orders>
    python -m tests.webhooks.worker_site pause [seconds]

Each prints one JSON line. The tests run real ``manage.py worker`` processes beside it.
"""

from __future__ import annotations

import json
import os
import sys
from decimal import Decimal


def seed(url: str, count: int) -> dict:
    from accounts.actors import Actor
    from accounts.models import User
    from accounts.scopes import READ_ORDERS, WEBHOOKS_MANAGE
    from accounts.services import app_create
    from orders.services.catalogue import plan_upsert
    from orders.services.checkout import order_create_offline
    from webhooks.models import Endpoint
    from webhooks.services.endpoints import webhook_endpoint_create

    Endpoint.objects.all().delete()
    n = User.objects.count()
    # No passwords: hashing one costs half a second, and no one signs in here.
    owner = User.objects.create_superuser(f"owner{n}", f"owner{n}@example.com", None)
    app, _ = app_create(name=f"Hooks {n}", scopes=[READ_ORDERS, WEBHOOKS_MANAGE])
    webhook_endpoint_create(app=app, url=url, event_types=["wix.pricing_plans.v2.order_paused"])
    plan = plan_upsert(
        name=f"Monthly {n}", price=Decimal("10.00"), currency="EUR", duration_unit="MONTH"
    )
    for i in range(count):
        buyer = User.objects.create_user(f"buyer{n}-{i}", f"b{n}-{i}@example.com", None)
        order_create_offline(plan=plan, buyer=buyer, actor=Actor.owner(owner), paid=True)
    return {"orders": count}


def pause(spread: float = 0.0) -> dict:
    """Pause every active order, one change after another over about ``spread`` seconds."""
    import time

    from accounts.actors import Actor
    from orders.models import Order
    from orders.services.lifecycle import order_pause

    ids = list(Order.objects.filter(status="ACTIVE").values_list("pk", flat=True))
    for order_id in ids:
        order_pause(order_id, actor=Actor.system("test"))
        time.sleep(spread / max(len(ids), 1))
    return {"paused": len(ids)}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    command, *args = sys.argv[1:]
    result = seed(args[0], int(args[1])) if command == "seed" else pause(float(*args or [0]))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
