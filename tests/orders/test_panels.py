"""Payment panels: apps above orders add to the order pages by registering, never by being
imported from orders."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils.safestring import mark_safe

from accounts.actors import Actor
from orders import panels
from orders.panels import PaymentPanel, register_payment_panel
from orders.services.checkout import order_create_offline
from receipts.panels import RECEIPT_PANEL

ROOT = Path(__file__).resolve().parents[2]
ABOVE_ORDERS = ("receipts", "sessions_app", "members", "webhooks")


@pytest.fixture
def shout_panel():
    panel = PaymentPanel(
        "shout",
        admin=lambda payment: f"<b>admin {payment.transaction_id}</b>",
        member=lambda payment: mark_safe("<i>member</i>"),
    )
    register_payment_panel(panel)
    yield panel
    panels._PANELS.pop("shout")


@pytest.fixture
def paid_order(clock, member, plan_factory):
    plan = plan_factory(name="Monthly", cycle_count=12)
    return order_create_offline(plan=plan, buyer=member, actor=Actor.system(), paid=True)


def test_receipts_registers_its_panel_when_the_app_is_ready():
    assert RECEIPT_PANEL in panels.payment_panels()


def test_a_registered_panel_shows_on_the_member_order_page(client, member, paid_order, shout_panel):
    client.force_login(member)
    page = client.get(f"/account/orders/{paid_order.pk}/").content.decode()
    assert "<i>member</i>" in page  # safe HTML is kept


def test_a_registered_panel_shows_on_the_owner_order_page(client, owner, paid_order, shout_panel):
    client.force_login(owner)
    page = client.get(f"/admin/orders/order/{paid_order.pk}/change/").content.decode()
    # plain text is escaped
    assert f"&lt;b&gt;admin {paid_order.payments.get().transaction_id}" in page


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
    return names


def test_orders_imports_no_app_above_it():
    for path in (ROOT / "orders").rglob("*.py"):
        above = _imports(path) & set(ABOVE_ORDERS)
        assert not above, f"{path.relative_to(ROOT)} imports {above}"


def test_the_pages_orders_renders_load_no_template_tags_of_apps_above_it():
    for path in (ROOT / "templates/admin/orders").rglob("*.html"):
        text = path.read_text()
        for app in ABOVE_ORDERS:
            assert f"{{% load {app} %}}" not in text, path.relative_to(ROOT)
