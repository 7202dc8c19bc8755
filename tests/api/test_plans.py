"""The plans API (PlansServiceV2) over real HTTP: the rules and every refusal."""

from __future__ import annotations

import uuid

import pytest

from accounts import scopes
from accounts.actors import Actor
from orders.models import Plan
from orders.services import catalogue
from orders.services.checkout import order_create_offline

PLANS = "/pricing-plans/v2/plans"


def violation_of(reply) -> tuple[str, str]:
    found = reply.body["details"]["validationError"]["fieldViolations"][0]
    return found["field"], found["ruleName"]


def code_of(reply) -> str:
    return reply.body["details"]["applicationError"]["code"]


def subscription(price="10.00", **extra) -> dict:
    return {
        "subscription": {"cycleDuration": {"count": 1, "unit": "MONTH"}, "cycleCount": 0},
        "price": {"value": price, "currency": "EUR"},
        **extra,
    }


@pytest.fixture
def manager(token_with) -> str:
    return token_with(scopes.MANAGE_PLANS)


@pytest.fixture
def catalogue_of_three(plan_factory):
    public = plan_factory(name="Public")
    hidden = plan_factory(name="Hidden", is_public=False)
    archived = plan_factory(name="Old")
    catalogue.plan_archive(archived.id)
    return public, hidden, archived


def test_public_plans_are_the_visible_ones_not_archived(api, token_with, catalogue_of_three):
    public, _, _ = catalogue_of_three
    reply = api.get(PLANS + "/public", token=token_with(scopes.READ_PUBLIC_PLANS))
    assert reply.status == 200
    assert [p["id"] for p in reply.body["plans"]] == [str(public.id)]
    assert reply.body["pagingMetadata"] == {
        "count": 1,
        "offset": 0,
        "total": 1,
        "tooManyToCount": False,
    }
    assert "hasOrders" not in reply.body["plans"][0]


def test_visitors_list_public_plans_without_credentials(api, catalogue_of_three):
    # given a public, a hidden and an archived plan
    public, hidden, archived = catalogue_of_three
    # when a visitor lists the public plans, without any credentials, also by the others' ids
    everything = api.get(PLANS + "/public")
    by_id = api.get(PLANS + "/public", params={"planIds": [str(hidden.id), str(archived.id)]})
    # then only the public plan shows, with the public fields alone
    assert everything.status == 200
    assert [p["id"] for p in everything.body["plans"]] == [str(public.id)]
    assert not {"public", "archived", "hasOrders"} & everything.body["plans"][0].keys()
    assert by_id.status == 200 and by_id.body["plans"] == []


def test_visitors_query_public_plans_without_credentials(api, catalogue_of_three):
    public, hidden, archived = catalogue_of_three
    ids = [str(plan.id) for plan in catalogue_of_three]
    reply = api.post(PLANS + "/public/query", {"query": {"filter": {"id": {"$in": ids}}}})
    assert reply.status == 200
    assert [p["id"] for p in reply.body["plans"]] == [str(public.id)]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/{id}", None),
        ("GET", "", None),
        ("GET", "/stats", None),
        ("POST", "", {"plan": {"name": "Free", "pricing": {"singlePaymentUnlimited": True}}}),
        ("POST", "/{id}/archive", {}),
    ],
)
def test_visitors_read_only_the_public_plans(api, monthly, method, path, body):
    reply = api.request(method, PLANS + path.format(id=monthly.id), json_body=body)
    assert reply.status == 401
    assert code_of(reply) == "UNAUTHENTICATED"


def test_a_bad_token_on_the_public_plans_is_refused_not_treated_as_a_visitor(api, monthly):
    assert api.get(PLANS + "/public", token="tly_app_not-a-token").status == 401


def test_list_plans_filters_by_archived_and_visibility(api, manager, catalogue_of_three):
    public, hidden, archived = catalogue_of_three
    default = api.get(PLANS, token=manager).body["plans"]
    assert {p["id"] for p in default} == {str(public.id), str(hidden.id)}
    only_archived = api.get(PLANS, token=manager, params={"archived": "ARCHIVED"}).body["plans"]
    assert [p["id"] for p in only_archived] == [str(archived.id)]
    hidden_ones = api.get(PLANS, token=manager, params={"public": "HIDDEN"}).body["plans"]
    assert {p["id"] for p in hidden_ones} == {str(hidden.id)}


def test_a_plan_shows_whether_it_has_orders(api, manager, monthly, member):
    order_create_offline(plan=monthly, buyer=member, actor=Actor.system("test"))
    reply = api.get(f"{PLANS}/{monthly.id}", token=manager)
    assert reply.body["plan"]["hasOrders"] is True


def test_query_public_plans_filters_sorts_and_pages(api, manager, plan_factory):
    first, second, third = (plan_factory(name=n) for n in ("A one", "B two", "C three"))
    query = {
        "filter": {"$or": [{"slug": "a-one"}, {"id": {"$in": [str(third.id)]}}]},
        "sort": [{"fieldName": "_createdDate", "order": "DESC"}],
        "paging": {"limit": 1, "offset": 0},
    }
    reply = api.post(PLANS + "/public/query", {"query": query}, token=manager)
    assert reply.status == 200
    assert [p["id"] for p in reply.body["plans"]] == [str(third.id)]
    assert reply.body["pagingMetadata"]["total"] == 2


@pytest.mark.parametrize(
    ("query", "field", "rule"),
    [
        ({"filter": {"name": "x"}}, "query.filter.name", "INVALID_FIELD"),
        (
            {"filter": {"primary": {"$regex": "x"}}},
            "query.filter.primary.$regex",
            "INVALID_OPERATOR",
        ),
        ({"filter": {"id": "not-a-guid"}}, "query.filter.id", "FORMAT"),
        ({"paging": {"limit": 101}}, "query.paging.limit", "PAGING_LIMIT_OUT_OF_RANGE"),
        ({"sort": [{"fieldName": "price"}]}, "query.sort[0].fieldName", "INVALID_FIELD"),
    ],
)
def test_a_malformed_query_is_a_field_violation(api, manager, query, field, rule):
    reply = api.post(PLANS + "/public/query", {"query": query}, token=manager)
    assert reply.status == 400
    assert violation_of(reply) == (field, rule)


def test_create_maps_every_field_onto_the_plan(api, manager):
    body = {
        "plan": {
            "name": "Yoga",
            "description": "Morning classes",
            "perks": {"values": ["Mat included"]},
            "pricing": subscription("12.50", freeTrialDays=3),
            "public": False,
            "maxPurchasesPerBuyer": 1,
            "termsAndConditions": "Be on time.",
        }
    }
    reply = api.post(PLANS, body, token=manager)
    assert reply.status == 200
    plan = Plan.objects.get(pk=reply.body["plan"]["id"])
    assert (plan.name, plan.description, plan.perks) == (
        "Yoga",
        "Morning classes",
        ["Mat included"],
    )
    assert (str(plan.price), plan.free_trial_days, plan.is_public) == ("12.500", 3, False)
    assert (plan.purchase_limit, plan.terms_and_conditions, plan.slug) == (1, "Be on time.", "yoga")


@pytest.mark.parametrize(
    ("plan", "field", "rule"),
    [
        ({"name": "", "pricing": subscription()}, "plan.name", "PLAN_NAME_BLANK"),
        ({"name": "X"}, "plan.pricing", "REQUIRED_FIELD"),
        (
            {"name": "X", "pricing": {**subscription(), "singlePaymentUnlimited": True}},
            "plan.pricing",
            "INVALID_PRICING_MODEL",
        ),
        (
            {"name": "X", "pricing": {"subscription": subscription()["subscription"]}},
            "plan.pricing.price",
            "RECURRING_PLAN_PAYMENT_PRICE_MISSING",
        ),
        (
            {"name": "X", "pricing": {"singlePaymentUnlimited": True, "freeTrialDays": 3}},
            "plan.pricing.freeTrialDays",
            "SINGLE_PAYMENT_FREE_TRIAL_UNSUPPORTED",
        ),
        ({"name": "X", "pricing": subscription("-1")}, "plan.pricing.price.value", "FORMAT"),
        ({"name": "X" * 51, "pricing": subscription()}, "plan.name", "MAX_LENGTH"),
    ],
)
def test_a_bad_plan_is_refused_and_nothing_is_written(api, manager, plan, field, rule):
    reply = api.post(PLANS, {"plan": plan}, token=manager)
    assert reply.status == 400
    assert violation_of(reply) == (field, rule)
    assert not Plan.objects.exists()


def test_an_unknown_currency_is_refused(api, manager):
    pricing = {"singlePaymentUnlimited": True, "price": {"value": "5", "currency": "XYZ"}}
    reply = api.post(PLANS, {"plan": {"name": "X", "pricing": pricing}}, token=manager)
    assert (reply.status, code_of(reply)) == (400, "INVALID_CATALOGUE_ENTRY")
    assert not Plan.objects.exists()


def test_update_changes_only_the_fields_sent(api, manager, monthly):
    reply = api.patch(f"{PLANS}/{monthly.id}", {"plan": {"name": "Renamed"}}, token=manager)
    assert reply.status == 200
    monthly.refresh_from_db()
    assert (monthly.name, str(monthly.price)) == ("Renamed", "10.000")


def test_an_archived_plan_cannot_be_changed(api, manager, monthly):
    catalogue.plan_archive(monthly.id)
    reply = api.patch(f"{PLANS}/{monthly.id}", {"plan": {"name": "New"}}, token=manager)
    assert (reply.status, code_of(reply)) == (409, "update_not_supported")
    path = f"{PLANS}/{monthly.id}"
    assert (
        code_of(api.post(path + "/make-primary", {}, token=manager)) == "set_primary_not_supported"
    )
    assert code_of(api.put(path + "/visibility", {"visible": True}, token=manager)) == (
        "set_visibility_not_supported"
    )


def test_an_unknown_plan_is_plan_not_found(api, manager):
    reply = api.post(f"{PLANS}/{uuid.uuid4()}/archive", {}, token=manager)
    assert (reply.status, code_of(reply)) == (404, "plan_not_found")


def test_a_malformed_plan_id_is_a_field_violation(api, manager):
    reply = api.get(f"{PLANS}/not-a-guid", token=manager)
    assert reply.status == 400


@pytest.mark.parametrize(
    ("params", "field"), [({"archived": "SOME"}, "archived"), ({"limit": 101}, "limit")]
)
def test_list_plans_refuses_bad_filters(api, manager, params, field):
    reply = api.get(PLANS, token=manager, params=params)
    assert reply.status == 400 and violation_of(reply)[0] == field


def test_reading_plans_and_changing_them_need_their_scopes(api, token_with, monthly):
    public_reader = token_with(scopes.READ_PUBLIC_PLANS)
    assert api.get(f"{PLANS}/{monthly.id}", token=public_reader).status == 403
    reader = token_with(scopes.READ_PLANS)
    assert api.get(f"{PLANS}/{monthly.id}", token=reader).status == 200
    body = {"plan": {"name": "X", "pricing": subscription()}}
    assert api.post(PLANS, body, token=reader).status == 403


def test_plan_stats_count_archived_plans_too(api, manager, catalogue_of_three):
    assert api.get(PLANS + "/stats", token=manager).body == {"totalPlans": 3}


@pytest.mark.parametrize("body", [[1, 2], {"query": [1]}])
def test_a_query_that_is_not_an_object_is_a_field_violation(api, manager, body):
    reply = api.post(PLANS + "/public/query", body, token=manager)
    assert reply.status == 400
