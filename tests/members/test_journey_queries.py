"""The buying journey (checkout page, Confirm, pay page, pay, confirmation) reads the same
number of queries per request whatever the member already holds, within a budget."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.actors import Actor
from orders.services.checkout import order_create_offline
from tests.members.conftest import checkout_form

pytestmark = pytest.mark.django_db
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Queries per request, counting the SAVEPOINT and RELEASE each transaction of a service runs
# inside a test's transaction (2 for Confirm, 4 for paying); PostgreSQL and SQLite alike.
BUDGET = {"checkout": 4, "confirm": 27, "pay page": 5, "pay": 24, "confirmation": 5}


def journey(client, plan) -> dict[str, int]:
    """One purchase as a browser makes it; the queries each request ran."""
    counts = {}

    def request(name, method, path, data=None):
        with CaptureQueriesContext(connection) as queries:
            response = (
                getattr(client, method)(path, data) if data else getattr(client, method)(path)
            )
        counts[name] = len(queries)
        return response

    checkout = f"/plans/{plan.pk}/checkout/"
    request("checkout", "get", checkout)
    pay = request("confirm", "post", checkout, checkout_form())["Location"]
    request("pay page", "get", pay)
    done = request("pay", "post", pay, {"card_number": "4242 4242 4242 4242"})["Location"]
    assert "/confirmation/" in done
    request("confirmation", "get", done)
    return counts


def test_the_buying_journey_reads_a_fixed_number_of_queries(client, clock, member, monthly):
    client.force_login(member)
    journey(client, monthly)  # the first makes the site's app and its session key
    first = journey(client, monthly)
    assert all(first[name] <= budget for name, budget in BUDGET.items()), first
    for _ in range(20):
        order_create_offline(plan=monthly, buyer=member, actor=Actor.system(), paid=True)
    assert journey(client, monthly) == first
