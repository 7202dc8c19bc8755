"""The owner runs one order through its life in the browser, checking the page and the database."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import Page, expect

from accounts.actors import Actor
from orders.models import Order
from orders.services.checkout import order_create_offline
from orders.services.lifecycle import order_pause
from tests.conftest import make_member
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def field(page: Page, name: str):
    return page.locator(f".field-{name} .readonly")


def run_action(page: Page, label: str, *, end_date: str | None = None) -> None:
    """Click an action on the order page, read the outcome, confirm it."""
    page.get_by_role("button", name=label, exact=True).click()
    expect(page.locator("h1")).to_have_text(f"{label}: confirm")
    if end_date is not None:
        page.fill("#id_end_date", end_date)
        page.get_by_role("button", name="Show the outcome").click()
    expect(page.locator("#outcomes tr.allowed")).to_have_count(1)
    page.locator("#confirm").click()


def test_owner_creates_an_offline_order_and_takes_it_through_its_life(
    live_server, owner_page: Page, plan_factory, buyer
):
    page = owner_page
    plan_factory(name="Monthly", price="10.00", cycle_count=12)

    # create an offline order, with the live price preview
    page.goto(f"{live_server.url}/admin/orders/order/add/")
    page.select_option("#id_plan", label="Monthly")
    page.fill("#id_member", "ida@example.com")
    expect(page.locator("#price-preview")).to_contain_text("Total10.00 EUR")
    page.get_by_role("button", name="Create offline order").click()
    expect(page.locator(".messagelist")).to_contain_text("Offline order created: Monthly for ida")
    order = Order.objects.get(buyer=buyer)
    assert (order.type, order.status, order.last_payment_status) == ("OFFLINE", "ACTIVE", "UNPAID")
    expect(field(page, "last_payment_status")).to_have_text("unpaid")

    # mark it as paid
    run_action(page, "Mark as paid")
    expect(page.locator(".messagelist")).to_contain_text("1 order marked as paid")
    expect(field(page, "last_payment_status")).to_have_text("paid")
    order.refresh_from_db()
    assert order.last_payment_status == "PAID"
    expect(page.locator("#invoices")).to_contain_text("offline (marked as paid)")

    # pause
    run_action(page, "Pause")
    expect(field(page, "status")).to_have_text("paused")
    expect(page.locator("#pause-periods")).to_contain_text("still paused")
    assert Order.objects.get(pk=order.pk).status == "PAUSED"

    # resume
    run_action(page, "Resume")
    expect(field(page, "status")).to_have_text("active")
    expect(page.locator("#pause-periods")).not_to_contain_text("still paused")
    assert Order.objects.get(pk=order.pk).status == "ACTIVE"

    # postpone the end date by a month
    end = Order.objects.get(pk=order.pk).end_date
    new_day = (end + timedelta(days=31)).date()
    run_action(page, "Postpone end date", end_date=new_day.isoformat())
    expect(page.locator(".messagelist")).to_contain_text("1 order postponed")
    assert Order.objects.get(pk=order.pk).end_date.date() == new_day
    expect(field(page, "end_date")).to_contain_text(str(new_day.year))

    # cancel now
    run_action(page, "Cancel now")
    expect(field(page, "status")).to_have_text("canceled")
    expect(field(page, "cancellation_cause")).to_have_text("canceled by the site owner")
    order.refresh_from_db()
    assert (order.status, order.cancellation_cause) == ("CANCELED", "OWNER_ACTION")
    expect(page.locator("#timeline")).to_contain_text("site owner")


def test_resuming_an_active_order_shows_why_and_changes_nothing(
    live_server, owner_page: Page, plan_factory, buyer, owner
):
    # given
    page = owner_page
    plan = plan_factory(name="Monthly", price="10.00")
    order = order_create_offline(plan=plan, buyer=buyer, actor=Actor.owner(owner), paid=True)
    before = Order.objects.get(pk=order.pk)
    # when: the owner selects it in the list and asks to resume it
    page.goto(f"{live_server.url}/admin/orders/order/")
    page.locator(f"input.action-select[value='{order.pk}']").check()
    page.select_option("select[name=action]", "resume")
    page.get_by_role("button", name="Go").click()
    # then: the confirmation says why, offers no confirm button, and nothing changed
    expect(page.locator("#outcomes")).to_contain_text(
        "Cannot be done: Only a paused order can be resumed."
    )
    expect(page.locator("#confirm")).to_have_count(0)
    after = Order.objects.get(pk=order.pk)
    assert (after.status, after.updated_date, after.last_event_sequence) == (
        before.status,
        before.updated_date,
        before.last_event_sequence,
    )
    # and on the order page the action is not offered, with the reason
    page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/change/")
    expect(page.locator("#order-actions")).to_contain_text(
        "Resume: not available. Only a paused order can be resumed."
    )


def test_csv_export_holds_the_filtered_list(
    live_server, owner_page: Page, plan_factory, owner, member_factory
):
    # given: two paused orders and one active
    plan = plan_factory(name="Monthly", price="10.00")
    orders = [
        order_create_offline(plan=plan, buyer=member_factory(), actor=Actor.owner(owner), paid=True)
        for _ in range(3)
    ]
    for order in orders[:2]:
        order_pause(order.pk, actor=Actor.owner(owner))
    page = owner_page
    # when: the owner filters by "paused" and exports
    page.goto(f"{live_server.url}/admin/orders/order/")
    page.locator("#changelist-filter").get_by_role("link", name="paused", exact=True).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    with page.expect_download() as download:
        page.locator("#export-csv").click()
    body = Path(download.value.path()).read_text(encoding="utf-8")
    # then
    rows = list(csv.DictReader(io.StringIO(body)))
    expected = set(Order.objects.filter(status="PAUSED").values_list("id", flat=True))
    assert {r["order id"] for r in rows} == {str(pk) for pk in expected}
    assert {r["status"] for r in rows} == {"PAUSED"}


def test_the_dashboard_home_draws_the_charts(live_server, owner_page: Page):
    page = owner_page
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("#tally-charts svg.tally-chart")).to_have_count(5)
    expect(page.locator("#tally-charts")).to_contain_text("No payments in the last twelve months.")


def test_an_owner_without_change_permission_sees_orders_but_no_actions(
    live_server, page: Page, plan_factory, buyer, owner, clock
):
    # given: a staff member who may only view orders
    viewer = make_member("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_order"))
    plan = plan_factory(name="Monthly", price="10.00")
    order = order_create_offline(plan=plan, buyer=buyer, actor=Actor.owner(owner), paid=True)
    # when
    log_in(page, live_server.url, "viewer", "pw-12345678")
    page.goto(f"{live_server.url}/admin/orders/order/")
    # then
    expect(page.locator("#result_list")).to_contain_text("ida@example.com")
    expect(page.locator("select[name=action]")).to_have_count(0)
    page.goto(f"{live_server.url}/admin/orders/order/{order.pk}/change/")
    expect(field(page, "status")).to_have_text("active")
    expect(page.locator("#order-actions")).to_have_count(0)
