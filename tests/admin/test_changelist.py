"""The orders list: the columns an owner scans, filters, search, and a fixed query budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from orders.admin import orders as orders_admin
from orders.admin import paging, search
from tests.conftest import START, is_postgres, make_member

pytestmark = pytest.mark.django_db

LIST = "/admin/orders/order/"


def listed_ids(response) -> set[str]:
    return {str(order.pk) for order in response.context["cl"].result_list}


def test_list_shows_buyer_plan_status_next_payment_or_end_and_total(
    owner_client, order_factory, clock
):
    # given: a renewing order, one that ends, one whose payment failed
    clock.set(START)
    carol = make_member("carol", email="carol@example.com")
    order_factory(buyer=carol, cycle_count=0, end_date=None)
    order_factory(end_date=START + timedelta(days=40), auto_renew_canceled=True)
    order_factory(last_payment_status="FAILED")
    # when
    response = owner_client.get(LIST)
    page = response.content.decode()
    # then
    columns = response.context["cl"].list_display
    assert columns == ["action_checkbox", "buyer_email", "plan_bought", "status_text"] + [
        "next_or_end",
        "total_amount",
    ]
    for text in ("carol@example.com", "Monthly", "10.00 EUR", "pays 15 Feb 2026"):
        assert text in page
    assert f"ends {(START + timedelta(days=40)):%-d %b %Y}" in page
    assert "active, failed" in page


def test_list_is_newest_first(owner_client, order_factory):
    old = order_factory(created=START - timedelta(days=3))
    new = order_factory(created=START)
    response = owner_client.get(LIST)
    assert [o.pk for o in response.context["cl"].result_list] == [new.pk, old.pk]


def test_status_filter_shows_only_that_status(owner_client, order_factory):
    paused = order_factory(status="PAUSED")
    order_factory(status="ACTIVE")
    response = owner_client.get(LIST, {"status__exact": "PAUSED"})
    assert listed_ids(response) == {str(paused.pk)}


def test_payment_status_plan_type_and_auto_renew_filters_combine(
    owner_client, order_factory, plan_factory
):
    yearly = plan_factory(name="Yearly", price="100.00")
    wanted = order_factory(
        plan=yearly, type="OFFLINE", last_payment_status="UNPAID", auto_renew_canceled=True
    )
    order_factory(plan=yearly, type="OFFLINE", last_payment_status="PAID")
    order_factory(type="OFFLINE", last_payment_status="UNPAID", auto_renew_canceled=True)
    response = owner_client.get(
        LIST,
        {
            "plan__id__exact": str(yearly.pk),
            "type__exact": "OFFLINE",
            "last_payment_status__exact": "UNPAID",
            "auto_renew_canceled__exact": "1",
        },
    )
    assert listed_ids(response) == {str(wanted.pk)}


@override_settings(TIME_ZONE="Europe/Oslo")
def test_date_range_filter_reads_dates_in_the_site_time_zone(owner_client, order_factory):
    # given: 23:30 UTC on 31 January is already 1 February in Oslo
    february_in_oslo = order_factory(created=datetime(2026, 1, 31, 23, 30, tzinfo=UTC))
    january = order_factory(created=datetime(2026, 1, 31, 22, 30, tzinfo=UTC))
    # when
    feb = owner_client.get(
        LIST, {"created_date__from": "2026-02-01", "created_date__to": "2026-02-28"}
    )
    jan = owner_client.get(LIST, {"created_date__to": "2026-01-31"})
    # then
    assert listed_ids(feb) == {str(february_in_oslo.pk)}
    assert listed_ids(jan) == {str(january.pk)}


def test_date_range_includes_both_end_days(owner_client, order_factory):
    first = order_factory(start_date=datetime(2026, 3, 1, 0, 0, tzinfo=UTC))
    last = order_factory(start_date=datetime(2026, 3, 31, 23, 59, tzinfo=UTC))
    order_factory(start_date=datetime(2026, 4, 1, 0, 0, tzinfo=UTC))
    response = owner_client.get(
        LIST, {"start_date__from": "2026-03-01", "start_date__to": "2026-03-31"}
    )
    assert listed_ids(response) == {str(first.pk), str(last.pk)}


def test_a_date_that_is_not_a_date_is_refused_without_an_error_page(owner_client, order_factory):
    order_factory()
    response = owner_client.get(LIST, {"end_date__from": "31/02/2026"})
    assert response.status_code == 302
    assert "e=1" in response["Location"]


def test_date_range_filter_keeps_the_other_filters(owner_client, order_factory):
    order_factory(status="PAUSED")
    page = owner_client.get(LIST, {"status__exact": "PAUSED"}).content.decode()
    assert '<input type="hidden" name="status__exact" value="PAUSED">' in page


def test_search_by_buyer_email_finds_that_buyers_orders(owner_client, order_factory):
    dora = make_member("dora", email="dora@example.com")
    mine = order_factory(buyer=dora)
    order_factory()
    assert listed_ids(owner_client.get(LIST, {"q": "DORA@example"})) == {str(mine.pk)}


def test_search_by_member_id_finds_that_buyers_orders(owner_client, order_factory):
    erin = make_member("erin")
    mine = order_factory(buyer=erin)
    order_factory()
    assert listed_ids(owner_client.get(LIST, {"q": str(erin.member_id)})) == {str(mine.pk)}


def test_search_by_order_id_finds_the_order(owner_client, order_factory):
    wanted = order_factory()
    order_factory()
    assert listed_ids(owner_client.get(LIST, {"q": f" {wanted.pk} "})) == {str(wanted.pk)}


def test_search_by_invoice_number_finds_its_order(owner_client, order_factory, invoice_for):
    wanted = order_factory()
    other = order_factory()
    invoice = invoice_for(wanted)
    invoice_for(other)
    assert listed_ids(owner_client.get(LIST, {"q": str(invoice.number)})) == {str(wanted.pk)}


def test_search_and_filter_combine(owner_client, order_factory):
    fay = make_member("fay", email="fay@example.com")
    paused = order_factory(buyer=fay, status="PAUSED")
    order_factory(buyer=fay, status="ACTIVE")
    response = owner_client.get(LIST, {"q": "fay@", "status__exact": "PAUSED"})
    assert listed_ids(response) == {str(paused.pk)}


def test_the_list_costs_the_same_queries_for_3_or_40_orders(owner_client, order_factory):
    # given: a warm session (the login's own queries are counted too)
    for _ in range(3):
        order_factory()
    owner_client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        owner_client.get(LIST, {"status__exact": "ACTIVE"})
    # when
    for _ in range(37):
        order_factory()
    with CaptureQueriesContext(connection) as many:
        response = owner_client.get(LIST, {"status__exact": "ACTIVE"})
    # then: no query per row
    assert len(response.context["cl"].result_list) == 40
    assert len(many) == len(few)


def test_the_list_stays_within_its_query_budget(
    owner_client, order_factory, django_assert_max_num_queries
):
    for _ in range(40):
        order_factory()
    # session, user, count, page, pause periods, plans for the filter, and a little slack
    with django_assert_max_num_queries(8):
        response = owner_client.get(LIST, {"status__exact": "ACTIVE", "q": "example.com"})
    assert len(response.context["cl"].result_list) == 40


def test_the_list_never_counts_the_whole_table(owner_client, order_factory, monkeypatch):
    # given: more orders than the paginator counts exactly
    monkeypatch.setattr(paging, "EXACT_UP_TO", 3)
    for _ in range(5):
        order_factory()
    # when
    response = owner_client.get(LIST)
    # then: SQLite counts exactly; PostgreSQL shows the planner's estimate
    paginator = response.context["cl"].paginator
    assert paginator.is_estimate is is_postgres()
    assert response.context["cl"].result_count >= 4
    if is_postgres():
        assert "about " in response.content.decode()


def test_the_list_hides_full_count_and_facets(owner_client, order_factory):
    order_factory()
    response = owner_client.get(LIST, {"_facets": "1"})
    cl = response.context["cl"]
    assert cl.show_full_result_count is False
    assert cl.full_result_count is None
    assert cl.add_facets is False


def test_an_email_fragment_matching_very_many_members_searches_the_first_and_says_so(
    owner_client, order_factory, monkeypatch
):
    # given: more matching members than the search resolves
    monkeypatch.setattr(search, "MAX_BUYERS", 2)
    monkeypatch.setattr(orders_admin, "MAX_BUYERS", 2)
    mine = [
        order_factory(buyer=make_member(f"shop{i}", email=f"s{i}@shop.example")) for i in range(3)
    ]
    # when
    response = owner_client.get(LIST, {"q": "@shop.example"}, follow=True)
    # then
    assert listed_ids(response) == {str(o.pk) for o in mine[:2]}
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("More than 2 members' emails contain '@shop.example'")


def test_past_due_filter_shows_orders_being_retried_with_the_next_retry_date(
    owner_client, order_factory
):
    # given a past-due order (a declined renewal, retried on a date) and a paid one
    late = order_factory(last_payment_status="FAILED", payment_retry_at=START + timedelta(days=1))
    order_factory()
    # when the owner filters past-due orders
    response = owner_client.get(LIST, {"past_due": "yes"})
    # then only it is listed, with the date of its next retry
    assert listed_ids(response) == {str(late.pk)}
    assert "retries " in response.content.decode()
