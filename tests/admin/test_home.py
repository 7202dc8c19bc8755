"""The owner's home says what to do next, and other apps can add their own steps."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import App
from accounts.services import app_create
from orders import checklist
from orders.services.catalogue import tax_set

pytestmark = pytest.mark.django_db


def steps_on_home(client) -> dict[str, bool]:
    response = client.get("/admin/")
    assert response.status_code == 200
    page = response.content.decode()
    found = {}
    for key in ("plan", "app", "tax", "extra"):
        if f'data-step="{key}"' in page:
            found[key] = f'class="done" data-step="{key}"' in page
    return found


def test_home_guides_a_new_owner_until_every_step_is_done(owner_client, plan_factory):
    assert steps_on_home(owner_client) == {"plan": False, "app": False, "tax": False}
    plan_factory(name="Monthly", price="10.00")
    assert steps_on_home(owner_client) == {"plan": True, "app": False, "tax": False}
    App.objects.create(name="The site itself", is_site=True)  # Tally's own, not a step done
    assert steps_on_home(owner_client)["app"] is False
    app_create(name="Shop", scopes=[])
    tax_set(name="VAT", rate=Decimal("20"), included_in_price=True)
    assert steps_on_home(owner_client) == {}  # all done: the list goes away


def test_an_app_above_orders_adds_its_own_step(owner_client, monkeypatch):
    monkeypatch.setattr(checklist, "_STEPS", dict(checklist._STEPS))
    checklist.register_step(
        checklist.Step("extra", "Add a webhook endpoint", "why", "admin:index", lambda: False)
    )
    assert steps_on_home(owner_client)["extra"] is False
    assert "Add a webhook endpoint" in owner_client.get("/admin/").content.decode()


def test_steps_need_the_permission_to_take_them(client, viewer):
    client.force_login(viewer)
    assert steps_on_home(client) == {}
