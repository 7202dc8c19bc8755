"""The CSV export holds exactly the orders the list shows with the same filters and search."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.http import StreamingHttpResponse
from django.test import override_settings
from django.utils import timezone

from orders.admin.export import postgres_csv, python_csv
from orders.models import Order
from tests.conftest import make_member

pytestmark = pytest.mark.django_db

EXPORT = "/admin/orders/order/export.csv"


def rows_of(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_export_is_streamed_as_a_csv_attachment(owner_client, order_factory):
    order_factory()
    response = owner_client.get(EXPORT)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="orders-')


def test_export_holds_the_filtered_orders_only(owner_client, order_factory):
    # given
    paused = [order_factory(status="PAUSED") for _ in range(3)]
    order_factory(status="ACTIVE")
    # when
    rows = rows_of(owner_client.get(EXPORT, {"status__exact": "PAUSED"}))
    listed = owner_client.get("/admin/orders/order/", {"status__exact": "PAUSED"})
    # then
    assert {r["order id"] for r in rows} == {str(o.pk) for o in paused}
    assert {r["order id"] for r in rows} == {str(o.pk) for o in listed.context["cl"].result_list}
    assert {r["status"] for r in rows} == {"PAUSED"}


def test_export_applies_the_search_too(owner_client, order_factory):
    gil = make_member("gil", email="gil@example.com")
    mine = order_factory(buyer=gil)
    order_factory()
    rows = rows_of(owner_client.get(EXPORT, {"q": "gil@example.com"}))
    assert [r["order id"] for r in rows] == [str(mine.pk)]
    assert rows[0]["buyer email"] == "gil@example.com"
    assert rows[0]["member id"] == str(gil.member_id)


@override_settings(TIME_ZONE="America/New_York")
def test_export_writes_times_in_the_site_time_zone_and_money_as_decimals(
    owner_client, order_factory
):
    order_factory(created=datetime(2026, 1, 15, 12, 0, tzinfo=UTC), end_date=None)
    [row] = rows_of(owner_client.get(EXPORT))
    assert row["created (America/New_York)"] == "2026-01-15 07:00:00"
    assert row["end (America/New_York)"] == ""
    assert row["total"] == "10.00"
    assert row["currency"] == "EUR"


def test_export_of_an_empty_list_is_just_the_header(owner_client, order_factory):
    order_factory(status="ACTIVE")
    response = owner_client.get(EXPORT, {"status__exact": "ENDED"})
    assert rows_of(response) == []


def test_a_visitor_who_is_not_staff_cannot_export(client, order_factory):
    order_factory()
    response = client.get(EXPORT)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.postgres
@override_settings(TIME_ZONE="Europe/Oslo")
def test_the_database_and_python_writers_write_the_same_csv(order_factory, plan_factory):
    # given: orders with every kind of value (no end, flags unset/true/false, a 0-decimal currency)
    yen = plan_factory(name="Yen plan", price="1000", currency="JPY")
    order_factory(end_date=None, auto_renew_canceled=None)
    order_factory(auto_renew_canceled=True, coupon_code="SPRING", discount="1.005")
    order_factory(plan=yen, auto_renew_canceled=False, total="999.5")
    queryset = Order.objects.order_by("-created_date", "id")
    zone = timezone.get_current_timezone()
    # when
    from_db = b"".join(postgres_csv(queryset, zone.key)).decode()
    from_python = "".join(python_csv(queryset, zone))
    # then
    assert list(csv.reader(io.StringIO(from_db))) == list(csv.reader(io.StringIO(from_python)))


def test_an_export_with_a_filter_that_is_not_valid_goes_back_to_the_list(owner_client):
    response = owner_client.get(EXPORT, {"start_date__from": "yesterday"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/orders/order/?e=1"
