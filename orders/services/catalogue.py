"""Plans, coupons and tax: every change to the catalogue, whoever makes it.

The admin, the plans API, demo data and commands all save plans through these services, so
the same rules hold either way: the model's own validation (``full_clean``), a slug made once
from the name, at most one primary plan, and archiving as a one-way step.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from config.errors import ConflictError, InvalidError
from orders.errors import PlanNotFound
from orders.models import Coupon, Plan, TaxSetting


def _validated(obj, exclude: list[str] | None = None):
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        details = "; ".join(
            f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()
        )
        raise InvalidError(details, code="INVALID_CATALOGUE_ENTRY", data=exc.message_dict) from exc
    return obj


def _slug_for(plan: Plan) -> str:
    """A URL-friendly name, unique among plans: the name, then -2, -3 ... if taken."""
    base = slugify(plan.name)[:100] or "plan"
    taken = set(
        Plan.objects.filter(slug__startswith=base)
        .exclude(pk=plan.pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


SLUG_ATTEMPTS = 3


def plan_save(plan: Plan) -> Plan:
    """Validate and store ``plan`` (new or changed); its slug is made from the name once.

    Two plans of one name saved at the same moment may pick the same slug: the unique slug
    refuses the second, which then takes the next free one.
    """
    if plan.archived:  # an archived plan is off sale for good: hidden, not highlighted
        plan.is_public, plan.primary = False, False
    _validated(plan, exclude=["slug"] if not plan.slug else None)
    for attempt in range(SLUG_ATTEMPTS):
        fresh_slug = not plan.slug
        if fresh_slug:
            plan.slug = _slug_for(plan)
        try:
            with transaction.atomic():
                plan.save()
            return plan
        except IntegrityError:
            if not fresh_slug or attempt == SLUG_ATTEMPTS - 1:
                raise
            plan.slug = None
    return plan


def _plan_locked(plan_id) -> Plan:
    try:
        return Plan.objects.select_for_update().get(pk=plan_id)
    except (Plan.DoesNotExist, ValidationError, ValueError, TypeError):
        raise PlanNotFound(code="plan_not_found", data={"planId": str(plan_id)}) from None


def plan_create(**fields: Any) -> Plan:
    """A new plan with ``fields`` (model field names)."""
    return plan_save(Plan(**fields))


def plan_update(plan_id, **fields: Any) -> Plan:
    """Change the given fields of a plan; orders already made keep what they bought."""
    with transaction.atomic():
        plan = _plan_locked(plan_id)
        if plan.archived:
            raise ConflictError("An archived plan cannot be changed.", code="update_not_supported")
        for key, value in fields.items():
            setattr(plan, key, value)
        return plan_save(plan)


def plan_set_visibility(plan_id, *, visible: bool) -> Plan:
    """Show the plan to visitors and members, or hide it (sold by link only)."""
    with transaction.atomic():
        plan = _plan_locked(plan_id)
        if plan.archived:
            raise ConflictError(
                "An archived plan stays hidden.", code="set_visibility_not_supported"
            )
        plan.is_public = visible
        return plan_save(plan)


def plan_make_primary(plan_id) -> Plan:
    """Highlight this plan; the plan highlighted before is no longer (only one is)."""
    with transaction.atomic():
        # Plans are few: locking them all makes changes of the primary plan take turns, so two
        # at once cannot both find no primary plan and both become it.
        list(Plan.objects.select_for_update().values_list("pk", flat=True))
        plan = _plan_locked(plan_id)
        if plan.archived:
            raise ConflictError(
                "An archived plan cannot be the primary plan.", code="set_primary_not_supported"
            )
        Plan.objects.filter(primary=True).exclude(pk=plan.pk).update(primary=False)
        plan.primary = True
        return plan_save(plan)


def plan_clear_primary() -> None:
    """No plan is highlighted (inverse of ``plan_make_primary``)."""
    Plan.objects.filter(primary=True).update(primary=False)


def plan_archive(plan_id) -> Plan:
    """No longer for sale, for good: hidden and not primary; orders made keep running."""
    with transaction.atomic():
        plan = _plan_locked(plan_id)
        if plan.archived:
            raise ConflictError("This plan is already archived.", code="already_archived")
        plan.archived = True
        return plan_save(plan)


@transaction.atomic
def plan_upsert(*, name: str, **fields: Any) -> Plan:
    """Create the plan called ``name``, or update it with ``fields`` (used by demo data)."""
    plan = Plan.objects.filter(name=name).first() or Plan(name=name)
    for key, value in fields.items():
        setattr(plan, key, value)
    return plan_save(plan)


@transaction.atomic
def coupon_upsert(*, code: str, plans: list[Plan] | None = None, **fields: Any) -> Coupon:
    coupon = Coupon.objects.filter(code__iexact=code).first() or Coupon(code=code)
    for key, value in fields.items():
        setattr(coupon, key, value)
    _validated(coupon)
    coupon.save()
    if plans is not None:
        coupon.plans.set(plans)
    return coupon


def tax_set(*, name: str, rate, included_in_price: bool) -> TaxSetting:
    tax = TaxSetting.current()
    tax.name, tax.rate, tax.included_in_price = name, rate, included_in_price
    _validated(tax)
    tax.save()
    return tax
