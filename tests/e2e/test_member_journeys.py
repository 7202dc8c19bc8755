"""A member's journeys in the browser: buy with a coupon and pay, a declined card then a
retry, cancel at the next payment date then undo, and a password reset by email.

Each page is kept as a screenshot under ``test-artifacts/members/``. The pages are used at
a phone's width (360 px), where nothing may scroll sideways.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.actors import Actor
from members.services.emails import member_emails_job
from orders.models import Order
from orders.services.catalogue import coupon_upsert
from orders.services.checkout import order_create_offline
from tests.conftest import make_member
from tests.members.conftest import MASTER

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path("test-artifacts/members")
PASSWORD = "violet-harbour-27"
PHONE = {"width": 360, "height": 780}


@pytest.fixture(autouse=True)
def session_keys(settings):
    settings.TALLY_ORDER_SESSION_KEYS = [MASTER]


@pytest.fixture
def phone(page: Page, clock) -> Page:
    """A phone-sized page (the clock pinned: the live server shares this process)."""
    page.set_viewport_size(PHONE)
    page.set_default_timeout(10_000)
    return page


def snap(page: Page, name: str) -> None:
    """Keep a screenshot, and check the page fits the phone's width."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} scrolls sideways ({width} px)"


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email or username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def run_email_job(clock) -> None:
    clock.advance(timedelta(seconds=1))
    member_emails_job()


def test_browse_sign_up_buy_with_a_coupon_pay_and_find_the_order(
    live_server, phone: Page, clock, plan_factory, mailoutbox
):
    page, base = phone, live_server.url
    plan_factory(name="Monthly", price="10.00", description="All the classes, every month.")
    coupon_upsert(code="SPRING", value=20)

    # browse
    page.goto(base)
    expect(page.get_by_role("heading", name="Monthly")).to_be_visible()
    expect(page.locator(".plan")).to_contain_text("10.00 EUR every month")
    snap(page, "01-plans")

    # buy: sign in first, then sign up instead
    page.get_by_role("link", name="Buy Monthly").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    snap(page, "02-sign-in")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Email").fill("nora@example.com")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    snap(page, "03-sign-up")
    page.get_by_role("button", name="Sign up").click()

    # checkout: the price follows the coupon as it is typed
    expect(page.get_by_role("heading", name="Checkout: Monthly")).to_be_visible()
    expect(page.locator("#price-total")).to_have_text("10.00 EUR")
    page.get_by_label("Coupon code").fill("NOPE")
    expect(page.locator("#coupon-message")).to_have_text("No coupon with this code.")
    page.get_by_label("Coupon code").fill("SPRING")
    expect(page.locator("#price-total")).to_have_text("8.00 EUR")
    expect(page.locator("#price-discount")).to_have_text("2.00 EUR")
    page.wait_for_load_state("networkidle")
    snap(page, "04-checkout")
    page.get_by_role("button", name="Confirm and go to payment").click()

    # pay with the approved test card
    expect(page.get_by_role("heading", name="Pay for Monthly")).to_be_visible()
    snap(page, "05-pay")
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_role("button", name="Pay 8.00 EUR").click()
    expect(page.get_by_role("heading", name="Thank you: Monthly is yours")).to_be_visible()
    expect(page.locator("main")).to_contain_text("8.00 EUR")
    snap(page, "06-confirmation")
    order = Order.objects.get(buyer__email="nora@example.com")
    assert (order.status, order.coupon_code) == ("ACTIVE", "SPRING")

    # the confirmation email
    run_email_job(clock)
    assert [m.subject for m in mailoutbox] == ["Your order of Monthly is confirmed"]
    assert mailoutbox[0].to == ["nora@example.com"]

    # the order on My plans
    page.get_by_role("link", name="My plans").first.click()
    expect(page.locator("#orders")).to_contain_text("Monthly")
    expect(page.locator("#orders")).to_contain_text("8.00 EUR on 15 Feb 2026")
    snap(page, "07-my-plans")
    page.get_by_role("link", name="Monthly").click()
    expect(page.locator("#timeline")).to_contain_text("Paid")
    snap(page, "08-order")


def test_a_declined_card_then_a_retry(live_server, phone: Page, clock, plan_factory):
    page, base = phone, live_server.url
    plan = plan_factory(name="Yearly", price="100.00", duration_unit="YEAR")
    make_member("ida", email="ida@example.com")
    sign_in(page, base, "ida", "pw-12345678")
    page.goto(f"{base}/plans/{plan.pk}/checkout/")
    page.get_by_role("button", name="Confirm and go to payment").click()

    page.get_by_label("Card number").fill("4000 0000 0000 0002")
    page.get_by_role("button", name="Pay 100.00 EUR").click()
    expect(page.locator("#declined")).to_contain_text("The card was declined")
    snap(page, "11-declined")
    assert Order.objects.get(plan=plan).status == "DRAFT"

    # the draft waits on My plans with a way to pay it
    page.get_by_role("link", name="My plans").first.click()
    page.get_by_role("link", name="Pay 100.00 EUR").click()
    page.get_by_label("Card number").fill("4242424242424242")
    page.get_by_role("button", name="Pay 100.00 EUR").click()
    expect(page.get_by_role("heading", name="Thank you: Yearly is yours")).to_be_visible()
    assert Order.objects.get(plan=plan).status == "ACTIVE"


def test_cancel_at_the_next_payment_date_then_undo(live_server, phone: Page, clock, plan_factory):
    page, base = phone, live_server.url
    member = make_member("ida", email="ida@example.com")
    plan = plan_factory(name="Monthly", cycle_count=12)
    order = order_create_offline(plan=plan, buyer=member, actor=Actor.system(), paid=True)
    sign_in(page, base, "ida", "pw-12345678")

    page.goto(f"{base}/account/orders/{order.pk}/")
    page.get_by_role("link", name=re.compile("Cancel at the next payment date")).click()
    expect(page.locator("#outcome")).to_contain_text("access ends on 15 Feb 2026")
    snap(page, "21-cancel-confirm")
    page.get_by_role("button", name="Cancel at the next payment date").click()
    expect(page.locator("#renewal")).to_contain_text("the plan ends on 15 Feb 2026")
    snap(page, "22-canceled")

    page.get_by_role("link", name="Undo the cancellation").click()
    expect(page.locator("#outcome")).to_contain_text("It renews at its next payment date")
    page.get_by_role("button", name="Undo the cancellation").click()
    expect(page.locator(".messages")).to_contain_text("Your plan renews again")
    expect(page.locator("#renewal")).to_have_count(0)
    expect(page.locator("#timeline")).to_contain_text("Cancellation undone")
    snap(page, "23-undone")
    order.refresh_from_db()
    assert order.auto_renew_canceled is False


def test_password_reset_by_email(live_server, phone: Page, clock, mailoutbox):
    page, base = phone, live_server.url
    make_member("ida", email="ida@example.com")
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("ida@example.com")
    snap(page, "31-reset-ask")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    link = re.search(r"http://\S+/accounts/reset/\S+", mailoutbox[0].body).group(0)
    page.goto(link)
    page.get_by_label(re.compile(r"^New password:?$")).fill(PASSWORD)
    page.get_by_label("New password confirmation").fill(PASSWORD)
    snap(page, "32-reset-choose")
    page.get_by_role("button", name="Set the password").click()
    expect(page.get_by_role("heading", name="Your password is set")).to_be_visible()

    sign_in(page, base, "ida", PASSWORD)
    expect(page.get_by_role("heading", name="My plans")).to_be_visible()


def test_switch_plan_then_pay(live_server, phone: Page, clock, plan_factory):
    page, base = phone, live_server.url
    member = make_member("ida", email="ida@example.com")
    monthly = plan_factory(name="Monthly", price="10.00")
    plan_factory(name="Premium", price="30.00")
    order = order_create_offline(plan=monthly, buyer=member, actor=Actor.system(), paid=True)
    sign_in(page, base, "ida", "pw-12345678")

    page.goto(f"{base}/account/orders/{order.pk}/")
    page.get_by_role("link", name="Switch to another plan").click()
    expect(page.locator("#switch-options")).to_contain_text("An upgrade")
    snap(page, "41-switch")
    page.get_by_role("button", name="Switch to Premium").click()
    expect(page.get_by_role("heading", name="Pay for Premium")).to_be_visible()
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    expect(page.get_by_role("heading", name="Thank you: Premium is yours")).to_be_visible()
    snap(page, "42-switched")
    order.refresh_from_db()
    assert order.status == "ENDED"
    assert Order.objects.get(buyer=member, plan__name="Premium").status == "ACTIVE"
