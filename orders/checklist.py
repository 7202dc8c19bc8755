"""The home page's "next steps" for a new owner: an extension point apps register into.

``orders`` registers the steps it knows (a plan, an API app, the tax setting); an app above
it (webhooks: "add an endpoint") registers its own from its ``AppConfig.ready()`` with
:func:`register_step`, so ``orders`` never imports it. Each step says whether it is done with
one cheap query on a small table, so the home page asks every time (nothing cached: the
guidance changes the moment the owner completes a step).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Step:
    key: str
    title: str  # what to do: "Create your first plan"
    why: str  # one sentence: what it is for
    url_name: str  # the admin page where it is done
    is_done: Callable[[], bool]
    permission: str = ""  # who may do it; others do not see the step


_STEPS: dict[str, Step] = {}


def register_step(step: Step) -> None:
    """Show ``step`` on the home page (registering a key again replaces it)."""
    _STEPS[step.key] = step


def registered_steps() -> list[Step]:
    return list(_STEPS.values())


def steps_for(user) -> list[dict]:
    """The steps this owner may take, each with whether it is done and where to do it."""
    result = []
    for step in registered_steps():
        if step.permission and not user.has_perm(step.permission):
            continue
        try:
            url = reverse(step.url_name)
        except NoReverseMatch:
            continue
        result.append({"step": step, "done": step.is_done(), "url": url})
    return result


def _has_plan() -> bool:
    from orders.models import Plan

    return Plan.objects.filter(archived=False).exists()


def _has_app() -> bool:
    from accounts.models import App

    # The site's own app (the member pages buy through it) is Tally's, not the owner's.
    return App.objects.filter(is_active=True, is_site=False).exists()


def _has_tax_setting() -> bool:
    from orders.models import TaxSetting

    return TaxSetting.objects.exists()


def register_order_steps() -> None:
    register_step(
        Step(
            "plan",
            "Create your first plan",
            "A plan is what members buy: its price, how often it bills and for how long.",
            "admin:orders_plan_add",
            _has_plan,
            "orders.add_plan",
        )
    )
    register_step(
        Step(
            "app",
            "Connect your site: add an API app",
            "Your site's checkout talks to Tally with an app's token (shown once when you add it).",
            "admin:accounts_app_add",
            _has_app,
            "accounts.add_app",
        )
    )
    register_step(
        Step(
            "tax",
            "Set your tax",
            "The rate and whether prices include it; with no setting, orders carry no tax.",
            "admin:orders_taxsetting_add",
            _has_tax_setting,
            "orders.change_taxsetting",
        )
    )
