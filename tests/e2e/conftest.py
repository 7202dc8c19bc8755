"""Browser tests of the owner's dashboard: the owner, logged in through the login form.

A failed test leaves a screenshot of the page under ``test-artifacts/`` (pytest-playwright's
``--screenshot only-on-failure --output test-artifacts``, set in pyproject's addopts), which
CI keeps as an artifact.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from tests.conftest import make_member


def log_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    expect(page.locator("#content-main")).to_be_visible()
    # The home page fetches its charts after loading; let that finish before moving on, so
    # the test server never serves two requests at once (SQLite tests share one connection).
    page.wait_for_load_state("networkidle")


@pytest.fixture
def owner_page(live_server, page: Page, owner, clock) -> Page:
    """The owner, logged in, with the clock pinned (the live server shares this process)."""
    page.set_default_timeout(10_000)
    log_in(page, live_server.url, "owner", "owner-pass-123")
    return page


@pytest.fixture
def buyer(db):
    return make_member("ida", email="ida@example.com")


@pytest.fixture(autouse=True)
def fresh_chart_cache():
    """The charts are cached for minutes; each test computes its own."""
    cache.clear()
    yield
    cache.clear()
