"""Order actions: a confirmation page with each order's outcome, then the lifecycle service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages

from accounts.actors import Actor
from orders.models import Order, OrderStatus
from orders.services.checkout import order_create_offline
from orders.services.lifecycle import order_pause
from tests.conftest import make_member

pytestmark = pytest.mark.django_db

LIST = "/admin/orders/order/"


@pytest.fixture
def offline_order(plan_factory, clock, owner):
    plan = plan_factory(name="Monthly", price="10.00", cycle_count=12)

    def make(*, paid: bool = True, buyer=None) -> Order:
        return order_create_offline(
            plan=plan, buyer=buyer or make_member(), actor=Actor.owner(owner), paid=paid
        )

    return make


def act(client, action: str, orders, *, confirm: bool = False, follow=False, **extra):
    data = {"action": action, "_selected_action": [str(o.pk) for o in orders], **extra}
    if confirm:
        data["post"] = "yes"
    return client.post(LIST, data, follow=follow)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_pause_shows_the_resulting_status_before_anything_changes(owner_client, offline_order):
    # given
    order = offline_order()
    # when
    response = act(owner_client, "pause", [order])
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "Status becomes <strong>PAUSED</strong>" in page
    assert Order.objects.get(pk=order.pk).status == OrderStatus.ACTIVE


def test_confirming_pause_pauses_through_the_service(owner_client, offline_order, owner):
    order = offline_order()
    response = act(owner_client, "pause", [order], confirm=True)
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PAUSED
    assert order.pause_periods.filter(status="ACTIVE").count() == 1
    entry = order.timeline.order_by("-at", "-id").first()
    assert (entry.actor_kind, entry.actor_label) == ("OWNER", owner.get_username())
    assert any("1 order paused" in m for m in messages_of(response))


def test_resume_of_an_active_order_says_why_and_changes_nothing(owner_client, offline_order):
    # given
    order = offline_order()
    before = Order.objects.get(pk=order.pk).updated_date
    # when
    preview = act(owner_client, "resume", [order]).content.decode()
    response = act(owner_client, "resume", [order], confirm=True)
    # then
    assert "Cannot be done: Only a paused order can be resumed." in preview
    assert 'id="confirm"' not in preview
    [message] = messages_of(response)
    assert message.startswith("Not resumed: Monthly for ")
    assert f"(order {str(order.pk)[:8]})" in message
    assert message.endswith("Only a paused order can be resumed.")
    after = Order.objects.get(pk=order.pk)
    assert (after.status, after.updated_date) == (OrderStatus.ACTIVE, before)


def test_bulk_resume_applies_to_the_paused_and_names_each_refused_order(
    owner_client, offline_order, owner
):
    # given
    paused = [offline_order(), offline_order()]
    for order in paused:
        order_pause(order.pk, actor=Actor.owner(owner))
    active = offline_order(buyer=make_member("hana", email="hana@example.com"))
    # when
    preview = act(owner_client, "resume", [*paused, active]).content.decode()
    response = act(owner_client, "resume", [*paused, active], confirm=True)
    # then
    assert "Resume: 2 orders" in preview
    assert "1 order will be left unchanged." in preview
    messages = messages_of(response)
    assert any(m.startswith("2 orders resumed") for m in messages)
    assert [m for m in messages if m.startswith("Not resumed")] == [
        f"Not resumed: Monthly for hana@example.com (order {str(active.pk)[:8]}). "
        "Only a paused order can be resumed."
    ]
    statuses = set(Order.objects.filter(pk__in=[o.pk for o in paused]).values_list("status"))
    assert statuses == {(OrderStatus.ACTIVE,)}


def test_postpone_asks_for_a_date_then_shows_the_new_end_date(owner_client, offline_order):
    # given
    order = offline_order()
    new_day = (order.end_date + timedelta(days=30)).date()
    # when
    ask = act(owner_client, "postpone_end_date", [order]).content.decode()
    preview = act(owner_client, "postpone_end_date", [order], end_date=new_day.isoformat())
    act(owner_client, "postpone_end_date", [order], confirm=True, end_date=new_day.isoformat())
    # then
    assert "Choose the new end date." in ask
    assert "; ends " in preview.content.decode()
    order.refresh_from_db()
    assert order.end_date.date() == new_day


def test_postpone_to_an_earlier_date_is_refused_with_the_reason(owner_client, offline_order):
    order = offline_order()
    earlier = (order.end_date - timedelta(days=3)).date().isoformat()
    response = act(owner_client, "postpone_end_date", [order], confirm=True, end_date=earlier)
    assert messages_of(response)[-1].endswith(
        "The new end date must be later than the current one."
    )


def test_postpone_with_a_date_that_is_not_a_date_asks_again(owner_client, offline_order):
    order = offline_order()
    end = order.end_date
    response = act(owner_client, "postpone_end_date", [order], confirm=True, end_date="soon")
    assert "is not a date" in response.content.decode()
    assert Order.objects.get(pk=order.pk).end_date == end


def test_cancel_at_next_payment_shows_the_date_the_order_will_end(owner_client, offline_order):
    order = offline_order()
    preview = act(owner_client, "cancel_at_next_payment", [order]).content.decode()
    assert "; canceled on " in preview
    act(owner_client, "cancel_at_next_payment", [order], confirm=True)
    order.refresh_from_db()
    assert order.auto_renew_canceled is True
    assert order.cancellation_cause == "OWNER_ACTION"


def test_cancel_now_cancels_the_order(owner_client, offline_order):
    order = offline_order()
    act(owner_client, "cancel_now", [order], confirm=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    assert order.cancellation_cause == "OWNER_ACTION"


def test_mark_paid_marks_an_unpaid_offline_order_paid(owner_client, offline_order):
    order = offline_order(paid=False)
    act(owner_client, "mark_paid", [order], confirm=True)
    order.refresh_from_db()
    assert order.last_payment_status == "PAID"
    assert order.payments.filter(status="SUCCEEDED").count() == 1


def test_an_action_started_on_the_order_page_returns_to_it(owner_client, offline_order):
    order = offline_order()
    page = f"{LIST}{order.pk}/change/"
    response = act(owner_client, "pause", [order], confirm=True, _return=page)
    assert response["Location"] == page


def test_an_action_never_returns_to_another_site(owner_client, offline_order):
    order = offline_order()
    response = act(owner_client, "pause", [order], confirm=True, _return="https://evil.example/")
    assert "evil.example" not in response["Location"]


def test_the_order_page_offers_only_what_applies_and_says_why_not(owner_client, offline_order):
    order = offline_order()
    page = owner_client.get(f"{LIST}{order.pk}/change/").content.decode()
    assert 'value="pause"' in page
    assert 'value="resume"' not in page
    assert "Resume: not available. Only a paused order can be resumed." in page


def test_the_order_page_does_not_offer_postponing_a_paused_order(
    owner_client, offline_order, owner
):
    order = offline_order()
    order_pause(order.pk, actor=Actor.owner(owner))
    page = owner_client.get(f"{LIST}{order.pk}/change/").content.decode()
    assert 'value="postpone_end_date"' not in page
    assert "Postpone end date: not available. A paused order&#x27;s end date" in page


def test_a_selection_that_is_not_order_ids_is_refused_without_an_error_page(owner_client):
    response = act(owner_client, "pause", [], _selected_action="not-an-id")
    assert response.status_code == 302
    assert messages_of(response) == ["That selection is not a list of orders."]


def test_an_owner_action_appears_in_recent_actions(owner_client, offline_order):
    # given
    order = offline_order()
    # when
    act(owner_client, "pause", [order], confirm=True)
    # then
    home = owner_client.get("/admin/").content.decode()
    assert f"/admin/orders/order/{order.pk}/change/" in home
    assert "None available" not in home


def test_the_confirm_button_is_styled_like_the_admins_own(owner_client, offline_order):
    page = act(owner_client, "pause", [offline_order()]).content.decode()
    assert 'class="button default" id="confirm"' in page


def test_mark_paid_confirmation_says_the_amount_it_records(owner_client, offline_order):
    order = offline_order(paid=False)
    page = act(owner_client, "mark_paid", [order]).content.decode()
    assert "records a payment of <strong>10.00 EUR</strong>" in page


def test_change_start_date_moves_a_draft_to_the_chosen_day(owner_client, plan_factory, clock):
    from orders.services.checkout import order_create_online

    # given a draft (an online order not paid yet)
    buyer = make_member()
    draft = order_create_online(plan=plan_factory(), buyer=buyer, actor=Actor.member(buyer))
    new_day = (draft.start_date + timedelta(days=10)).date()
    # when the owner picks a day and confirms
    ask = act(owner_client, "change_start_date", [draft]).content.decode()
    act(owner_client, "change_start_date", [draft], confirm=True, start_date=new_day.isoformat())
    # then
    assert "Choose the new start date." in ask
    draft.refresh_from_db()
    assert draft.start_date.date() == new_day
