"""The owner's first hour, in the browser at two common screen sizes, with the demo's history.

Every page the owner reaches is read as a person would: no raw Python values, the orders list
without a horizontal scroll, charts with data in them. Screenshots of each page are kept
under ``test-artifacts/`` (CI keeps them as artifacts).
"""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from orders.models import Order
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEWPORTS = [(1366, 768), (1920, 1080)]
# What a page must never show: a UTC offset, microseconds, a timedelta's "days, 0:00:00",
# a Decimal or None as Python prints them.
RAW = re.compile(r"\+00:00|\d:\d\d:\d\d\.\d{6}|days?, \d+:\d\d|Decimal\(|\bNone\b")


def shoot(page: Page, name: str) -> None:
    width = page.viewport_size["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{width}-{name}.png"), full_page=True)


def assert_reads_as_text(page: Page) -> None:
    text = page.locator("body").inner_text()
    found = RAW.search(text)
    if found is not None:
        context = text[max(0, found.start() - 60) : found.end() + 20]
        pytest.fail(f"{page.url} shows a raw value: ...{context}...")


def horizontal_overflow(page: Page, selector: str) -> int:
    return page.evaluate(
        "(s) => { const e = document.querySelector(s); return e.scrollWidth - e.clientWidth; }",
        selector,
    )


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_the_demo_dashboard_reads_well_at_common_screen_sizes(
    live_server, page: Page, clock, viewport
):
    # given: the demo with three months of history, the owner signed in
    call_command("loaddemo", "--months", "3", stdout=StringIO())
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, "owner", "tally-owner")
    base = live_server.url

    # the home: the day's numbers and charts with data in them
    expect(page.locator("#as-of")).to_contain_text("As of")
    expect(page.locator("#chart-mrr-EUR circle")).to_have_count(12)
    expect(page.locator("#chart-members polyline")).to_have_count(1)
    bars = page.eval_on_selector_all(
        "#chart-revenue-EUR rect", "rs => rs.filter(r => r.getBBox().height > 0).length"
    )
    assert bars >= 3
    assert_reads_as_text(page)
    shoot(page, "home")

    # the orders list: every column on screen, no horizontal scroll
    page.goto(f"{base}/admin/orders/order/")
    expect(page.locator("h1")).to_have_text("Orders")
    assert horizontal_overflow(page, "html") <= 0
    assert horizontal_overflow(page, "#changelist .results") <= 0
    expect(page.locator("th.column-total_amount")).to_be_in_viewport()
    assert_reads_as_text(page)
    shoot(page, "orders")

    # order pages of every kind, their history, a confirmation page
    for status in ("ACTIVE", "PAUSED", "CANCELED", "ENDED", "DRAFT", "PENDING"):
        order = Order.objects.filter(status=status).first()
        if order is None:
            continue
        page.goto(f"{base}/admin/orders/order/{order.pk}/change/")
        expect(page.locator("h1")).to_have_text("View order")
        assert_reads_as_text(page)
        page.goto(f"{base}/admin/orders/order/{order.pk}/history/")
        expect(page.locator("#timeline")).to_contain_text("demo data")
        assert_reads_as_text(page)
    shoot(page, "history")
    active = Order.objects.filter(status="ACTIVE", current_cycle_index__gte=1).first()
    page.goto(f"{base}/admin/orders/order/{active.pk}/change/")
    shoot(page, "order")
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(page.locator("#confirm")).to_have_class(re.compile("default"))
    assert_reads_as_text(page)
    shoot(page, "confirm")

    # the other lists and the charts page
    for name, url in (
        ("plans", "/admin/orders/plan/"),
        ("coupons", "/admin/orders/coupon/"),
        ("members", "/admin/accounts/user/"),
        ("charts", "/admin/orders/order/dashboard/"),
    ):
        page.goto(f"{base}{url}")
        assert horizontal_overflow(page, "html") <= 0
        if page.locator("#changelist .results").count():
            assert horizontal_overflow(page, "#changelist .results") <= 0
        assert_reads_as_text(page)
        shoot(page, name)


def test_the_home_guides_a_new_owner_step_by_step(live_server, owner_page: Page):
    page = owner_page
    base = live_server.url
    page.set_viewport_size({"width": 1366, "height": 768})
    steps = page.locator("#next-steps")

    def todo(key: str):
        return page.locator(f'#next-steps li.todo[data-step="{key}"] a')

    # a plan
    page.goto(f"{base}/admin/")
    shoot(page, "steps-new-owner")
    todo("plan").click()
    page.fill("#id_name", "Monthly")
    page.fill("#id_price", "10.00")
    page.get_by_role("button", name="Save", exact=True).click()
    page.goto(f"{base}/admin/")
    expect(page.locator('#next-steps li.done[data-step="plan"]')).to_be_visible()

    # an app for the site
    todo("app").click()
    page.fill("#id_name", "Shop front")
    page.get_by_role("button", name="Save", exact=True).click()
    page.goto(f"{base}/admin/")
    expect(page.locator('#next-steps li.done[data-step="app"]')).to_be_visible()

    # the tax setting: then there is nothing left to do
    todo("tax").click()
    page.get_by_role("button", name="Save", exact=True).click()
    page.goto(f"{base}/admin/")
    expect(steps).to_have_count(0)
    shoot(page, "steps-done")
