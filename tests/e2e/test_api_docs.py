"""The API docs work offline: Swagger UI comes from our own static files, under the Content
Security Policy, and the browser never asks another host for anything."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_draws_the_schema_without_another_host_or_a_policy_violation(
    live_server, page: Page
):
    # given a browser that may reach only the site itself
    own_host = urlsplit(live_server.url).netloc
    elsewhere: list[str] = []
    violations: list[str] = []

    def only_own_host(route):
        if urlsplit(route.request.url).netloc == own_host:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_own_host)
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    # when
    page.goto(f"{live_server.url}/api/docs")
    # then the operations are listed
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Tally API", timeout=15_000)
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert elsewhere == []
    assert violations == []
