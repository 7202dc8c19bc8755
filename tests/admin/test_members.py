"""The members list links each member to their orders, and finds members by part of an email."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.conftest import is_postgres, make_member

pytestmark = pytest.mark.django_db

MEMBERS = "/admin/accounts/user/"


def listed(response) -> set[str]:
    return {member.username for member in response.context["cl"].result_list}


def test_each_member_links_to_their_orders_with_counts(owner_client, order_factory):
    # given: ida has two orders, one running; jo has none
    ida = make_member("ida", email="ida@example.com")
    order_factory(buyer=ida)
    order_factory(buyer=ida, status="CANCELED")
    make_member("jo", email="jo@example.com")
    # when
    page = owner_client.get(MEMBERS).content.decode()
    # then
    assert f'<a href="/admin/orders/order/?q={ida.member_id}">2 orders, 1 running</a>' in page
    orders_page = owner_client.get("/admin/orders/order/", {"q": str(ida.member_id)})
    assert len(orders_page.context["cl"].result_list) == 2


def test_the_member_list_costs_the_same_queries_for_2_or_20_members(
    owner_client, order_factory, django_assert_max_num_queries
):
    for n in range(20):
        order_factory(buyer=make_member(f"m{n}"))
    with django_assert_max_num_queries(8):
        owner_client.get(MEMBERS)


def test_search_by_part_of_an_email_finds_the_member(owner_client):
    make_member("ida", email="Ida.Lind@Shop.example")
    make_member("jo", email="jo@example.com")
    assert listed(owner_client.get(MEMBERS, {"q": "lind@shop"})) == {"ida"}
    assert listed(owner_client.get(MEMBERS, {"q": "IDA"})) == {"ida"}


def test_search_by_member_id_finds_exactly_that_member(owner_client):
    ida = make_member("ida")
    make_member("jo")
    assert listed(owner_client.get(MEMBERS, {"q": f" {ida.member_id} "})) == {"ida"}


@pytest.mark.skipif(not is_postgres(), reason="trigram indexes exist on PostgreSQL only")
def test_email_fragment_search_can_use_the_trigram_index():
    from accounts.models import User

    query = User.objects.filter(email__icontains="lind@shop")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "member_email_trgm" in plan
