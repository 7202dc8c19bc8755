"""Order actions: a confirmation page showing each order's outcome, then one service call per order.

Nothing here decides what is allowed or lists the actions: they are the entries of
``orders.actions`` marked ``admin``. The confirmation page asks
``orders.services.preview.order_action_preview`` (the same check as the service), and the
confirmed action calls ``order_act`` with the declared action and reports each refusal with
the service's own message, naming the order.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.actors import Actor
from config import clock
from config.errors import DomainError
from orders.actions import OrderAction, admin_actions
from orders.admin.display import amounts_due, order_label
from orders.models import Order
from orders.services.lifecycle import order_act
from orders.services.preview import order_action_preview

BULK_LIMIT = 500
RETURN_FIELD = "_return"


ACTIONS = admin_actions()


def _admin_action(action: OrderAction):
    def run(modeladmin, request, queryset):
        return confirm_or_apply(modeladmin, request, queryset, action)

    run.__name__ = action.name
    return admin.action(
        description=f"{action.labels.title} (selected orders)", permissions=["change"]
    )(run)


ORDER_ACTIONS = [_admin_action(action) for action in ACTIONS]


def confirm_or_apply(modeladmin, request, queryset, action: OrderAction):
    """The first POST shows the confirmation page; the one with ``post=yes`` applies."""
    orders = list(queryset.select_related("buyer").order_by("-created_date")[: BULK_LIMIT + 1])
    if len(orders) > BULK_LIMIT:
        modeladmin.message_user(
            request,
            f"Select at most {BULK_LIMIT} orders at a time. Nothing was changed.",
            messages.WARNING,
        )
        return None
    end_day, date_error = _end_day(request, action)
    if request.POST.get("post") == "yes" and not date_error:
        apply(modeladmin, request, orders, action, end_day)
        return _back(request)
    return confirmation_page(modeladmin, request, orders, action, end_day, date_error)


# The dates an action may ask for on its confirmation page, with their labels.
DATE_ARGS = {"end_date": "New end date", "start_date": "New start date"}


def asked_date(action: OrderAction) -> str | None:
    """The date argument the confirmation page asks a day for (postpone, change start)."""
    return next((name for name in action.args if name in DATE_ARGS), None)


def asks_end_date(action: OrderAction) -> bool:
    return asked_date(action) is not None


def arguments(action: OrderAction, order: Order, end_day: date | None) -> dict[str, Any]:
    """The keyword arguments of the action (and of its preview) for one order."""
    name = asked_date(action)
    if name is None:
        return {}
    current = order.end_date if name == "end_date" else order.start_date
    return {name: on_day(current, end_day)}


def new_end_date(order: Order, day: date | None) -> datetime | None:
    return on_day(order.end_date, day)


def on_day(current: datetime | None, day: date | None) -> datetime | None:
    """The chosen day at the current date's time of day, in the site's time zone."""
    if day is None:
        return None
    zone = timezone.get_current_timezone()
    at = timezone.localtime(current, zone).time() if current else datetime.min.time()
    return timezone.make_aware(datetime.combine(day, at), zone)


def confirmation_page(modeladmin, request, orders, action, end_day, date_error):
    actor = Actor.owner(request.user)
    rows = []
    for order in orders:
        outcome = None
        if not asks_end_date(action) or end_day is not None:
            args = arguments(action, order, end_day)
            outcome = order_action_preview(order, action, actor=actor, **args)
        rows.append({"order": order, "label": order_label(order), "outcome": outcome})
    if action.name == "mark_paid":
        due = amounts_due(orders)
        for row in rows:
            row["records"] = due.get(row["order"].pk, "")
    allowed = sum(1 for row in rows if row["outcome"] is not None and row["outcome"].allowed)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"{action.labels.title}: confirm",
        "opts": modeladmin.opts,
        "action": action,
        "asks_end_date": asks_end_date(action),
        "date_arg": asked_date(action) or "",
        "date_label": DATE_ARGS.get(asked_date(action) or "", ""),
        "rows": rows,
        "allowed_count": allowed,
        "refused_count": sum(1 for row in rows if row["outcome"] and not row["outcome"].allowed),
        "end_day": end_day.isoformat() if end_day else "",
        "date_error": date_error,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "return_to": _safe_return(request) or "",
        "media": modeladmin.media,
    }
    return TemplateResponse(request, "admin/orders/order/action_confirmation.html", context)


def apply(modeladmin, request, orders, action: OrderAction, end_day: date | None) -> None:
    actor = Actor.owner(request.user)
    done, refused = [], []
    for order in orders:
        try:
            order_act(action, order.pk, actor=actor, **arguments(action, order, end_day))
        except DomainError as error:
            refused.append((order, error.message))
        else:
            done.append(order)
            modeladmin.log_change(request, order, action.labels.title)
    if done:
        names = "; ".join(order_label(order) for order in done[:10])
        more = f" and {len(done) - 10} more" if len(done) > 10 else ""
        count = "1 order" if len(done) == 1 else f"{len(done)} orders"
        modeladmin.message_user(
            request, f"{count.capitalize()} {action.labels.done}: {names}{more}.", messages.SUCCESS
        )
    for order, reason in refused:
        modeladmin.message_user(
            request, f"Not {action.labels.done}: {order_label(order)}. {reason}", messages.ERROR
        )


def buttons_for(modeladmin, request, order: Order) -> list[dict[str, Any]]:
    """The actions offered on the order page, each with whether it applies now and why not."""
    if not modeladmin.has_change_permission(request):
        return []
    actor = Actor.owner(request.user)
    buttons = []
    for action in ACTIONS:
        args = {}
        name = asked_date(action)
        if name is not None:
            # The date is chosen on the confirmation page; a day later asks "can it move at all".
            current = order.end_date if name == "end_date" else order.start_date
            args[name] = max(current or clock.now(), clock.now()) + timedelta(days=1)
        outcome = order_action_preview(order, action, actor=actor, **args)
        buttons.append({"action": action, "allowed": outcome.allowed, "reason": outcome.reason})
    return buttons


def _end_day(request, action: OrderAction) -> tuple[date | None, str]:
    if not asks_end_date(action):
        return None, ""
    name = asked_date(action)
    text = (request.POST.get(name) or "").strip()
    if not text:
        return None, f"Choose the {DATE_ARGS[name].lower()}."
    try:
        return date.fromisoformat(text), ""
    except ValueError:
        return None, f"'{text}' is not a date. Use the date picker (YYYY-MM-DD)."


def _safe_return(request) -> str | None:
    target = request.POST.get(RETURN_FIELD) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _back(request):
    target = _safe_return(request)
    return HttpResponseRedirect(target) if target else None
