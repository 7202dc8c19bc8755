"""What the owner can put in the catalogue: every bad entry is refused and nothing is stored."""

from __future__ import annotations

from decimal import Decimal

import pytest

from config.errors import InvalidError
from orders.models import Coupon, DiscountType, Plan, PricingModel, TaxSetting
from orders.services.catalogue import coupon_upsert, tax_set

pytestmark = pytest.mark.django_db


def test_negative_price_is_refused(plan_factory):
    with pytest.raises(InvalidError) as err:
        plan_factory(name="Negative", price="-1.00")
    assert "price" in err.value.message
    assert not Plan.objects.filter(name="Negative").exists()


@pytest.mark.parametrize("currency", ["EURO", "eur", "XYZ", "", "12"])
def test_currency_must_be_iso_4217(plan_factory, currency):
    with pytest.raises(InvalidError) as err:
        plan_factory(name="Odd money", currency=currency)
    assert "currency" in err.value.message
    assert not Plan.objects.filter(name="Odd money").exists()


def test_price_may_not_have_more_decimals_than_the_currency(plan_factory):
    with pytest.raises(InvalidError):
        plan_factory(name="Yen", price="10.5", currency="JPY")
    assert plan_factory(name="Yen", price="10", currency="JPY").price == Decimal("10")


@pytest.mark.parametrize("days", [0, 1000])
def test_trial_days_must_be_between_1_and_999(plan_factory, days):
    with pytest.raises(InvalidError) as err:
        plan_factory(name="Trial", free_trial_days=days)
    assert "free_trial_days" in err.value.message


@pytest.mark.parametrize("days", [1, 999])
def test_trial_days_at_the_bounds_are_accepted(plan_factory, days):
    assert plan_factory(free_trial_days=days).free_trial_days == days


def test_free_trial_is_for_subscriptions_only(plan_factory):
    with pytest.raises(InvalidError) as err:
        plan_factory(pricing_model=PricingModel.SINGLE_PAYMENT_UNLIMITED, free_trial_days=7)
    assert "subscriptions" in err.value.message


def test_cycle_count_is_at_most_2000(plan_factory):
    with pytest.raises(InvalidError):
        plan_factory(cycle_count=2001)


def test_unlimited_plan_has_no_duration_and_no_end(plan_factory):
    plan = plan_factory(pricing_model=PricingModel.SINGLE_PAYMENT_UNLIMITED)
    assert plan.duration_unit == ""
    assert plan.is_unlimited


def test_subscription_with_zero_cycles_renews_until_canceled(plan_factory):
    assert plan_factory(cycle_count=0).is_unlimited
    assert not plan_factory(cycle_count=12).is_unlimited


def test_duplicate_coupon_code_is_refused_in_any_case(db):
    coupon_upsert(code="SAVE10", discount_type=DiscountType.PERCENT, value=Decimal("10"))
    duplicate = Coupon(code="save10", discount_type=DiscountType.PERCENT, value=Decimal("5"))
    with pytest.raises(Exception) as err:
        duplicate.full_clean()
    assert "already exists" in str(err.value)
    assert Coupon.objects.count() == 1


def test_percent_coupon_cannot_exceed_100(db):
    with pytest.raises(InvalidError):
        coupon_upsert(code="FREEMONEY", discount_type=DiscountType.PERCENT, value=Decimal("150"))
    assert not Coupon.objects.filter(code="FREEMONEY").exists()


def test_coupon_validity_must_end_after_it_starts(db, clock):
    with pytest.raises(InvalidError):
        coupon_upsert(
            code="BACKWARDS",
            value=Decimal("5"),
            valid_from=clock.now,
            valid_until=clock.now,
        )


def test_tax_rate_is_between_0_and_100(db):
    with pytest.raises(InvalidError):
        tax_set(name="VAT", rate=Decimal("101"), included_in_price=True)
    tax = tax_set(name="VAT", rate=Decimal("25"), included_in_price=False)
    assert TaxSetting.current().rate == Decimal("25.00")
    assert tax.pk == 1


def test_without_a_tax_setting_the_rate_is_zero(db):
    assert TaxSetting.current().rate == 0


def test_a_plan_saved_in_the_admin_goes_through_the_catalogue_service(client, owner):
    # when the owner adds a plan on the admin's form
    client.force_login(owner)
    reply = client.post(
        "/admin/orders/plan/add/",
        {
            "name": "Admin plan",
            "description": "",
            "is_public": "on",
            "perks": "[]",
            "terms_and_conditions": "",
            "price": "10.00",
            "currency": "EUR",
            "pricing_model": "SUBSCRIPTION",
            "duration_count": "1",
            "duration_unit": "MONTH",
            "cycle_count": "0",
        },
        HTTP_HOST="127.0.0.1",
    )
    # then it is stored with what only the service adds: its slug
    assert reply.status_code == 302, reply.content[:2000]
    assert Plan.objects.get(name="Admin plan").slug == "admin-plan"


def test_only_one_plan_is_primary(plan_factory):
    from orders.services.catalogue import plan_make_primary

    first, second = plan_factory(), plan_factory()
    plan_make_primary(first.id)
    plan_make_primary(second.id)
    assert list(Plan.objects.filter(primary=True)) == [second]


def test_a_plan_archived_in_the_admin_is_hidden_and_stays_archived(client, owner, plan_factory):
    from orders.services.catalogue import plan_make_primary

    plan = plan_factory(name="Old plan")
    plan_make_primary(plan.id)
    client.force_login(owner)
    change = f"/admin/orders/plan/{plan.id}/change/"
    form = {
        "name": "Old plan",
        "perks": "[]",
        "price": "10.00",
        "currency": "EUR",
        "pricing_model": "SUBSCRIPTION",
        "duration_count": "1",
        "duration_unit": "MONTH",
        "cycle_count": "0",
        "is_public": "on",
    }
    # when the owner archives it
    client.post(change, {**form, "archived": "on"}, HTTP_HOST="127.0.0.1")
    plan.refresh_from_db()
    assert (plan.archived, plan.is_public, plan.primary) == (True, False, False)
    # then unticking "archived" later changes nothing
    client.post(change, form, HTTP_HOST="127.0.0.1")
    plan.refresh_from_db()
    assert plan.archived is True


def test_an_archived_plan_is_view_only_in_the_admin(client, owner, plan_factory):
    # given an archived plan (the plans API refuses to change one: update_not_supported)
    plan = plan_factory(name="Old plan", price="10.00", archived=True)
    client.force_login(owner)
    change = f"/admin/orders/plan/{plan.id}/change/"
    # its page shows it without a form to save
    page = client.get(change, HTTP_HOST="127.0.0.1")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    # and a change posted anyway is refused, with nothing stored
    form = {
        "name": "Renamed",
        "perks": "[]",
        "price": "99.00",
        "currency": "EUR",
        "pricing_model": "SUBSCRIPTION",
        "duration_count": "1",
        "duration_unit": "MONTH",
        "cycle_count": "0",
    }
    assert client.post(change, form, HTTP_HOST="127.0.0.1").status_code == 403
    plan.refresh_from_db()
    assert (plan.name, plan.price) == ("Old plan", Decimal("10.00"))
