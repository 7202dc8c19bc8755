"""Plans, coupons and the tax setting in the admin."""

from __future__ import annotations

from django.contrib import admin

from config.adminlists import TitledListAdmin
from orders.admin.display import money
from orders.admin.order_page import billing
from orders.models import Coupon, DiscountType, Plan, TaxSetting
from orders.services import catalogue


@admin.register(Plan)
class PlanAdmin(TitledListAdmin, admin.ModelAdmin):
    # Narrow enough for a 1366 px screen; the pricing fields are on the plan's page.
    list_display = ("name", "price_text", "billing_text", "is_public", "archived")
    list_filter = ("pricing_model", "is_public", "archived", "currency")
    search_fields = ("name", "id")
    readonly_fields = ("id", "slug", "primary", "created", "updated")
    fieldsets = (
        (
            None,
            {"fields": ("id", "name", "slug", "description", "is_public", "archived", "primary")},
        ),
        ("Shown to buyers", {"fields": ("perks", "terms_and_conditions")}),
        ("Price", {"fields": ("price", "currency")}),
        (
            "Pricing model",
            {
                "fields": (
                    "pricing_model",
                    ("duration_count", "duration_unit"),
                    "cycle_count",
                    "free_trial_days",
                ),
                "description": "Subscription: one payment per cycle, for 'cycle count' cycles "
                "(0 renews until canceled). Single payment: one payment for the duration, "
                "or unlimited.",
            },
        ),
        ("Limits", {"fields": ("purchase_limit",)}),
        ("History", {"fields": ("created", "updated")}),
    )

    @admin.display(description="price", ordering="price")
    def price_text(self, plan: Plan) -> str:
        return money(plan.price, plan.currency)

    @admin.display(description="billing")
    def billing_text(self, plan: Plan) -> str:
        """The same words as an order's billing ("every 1 month, 12 cycles")."""
        return billing(plan)

    def has_change_permission(self, request, obj=None) -> bool:
        """An archived plan is for viewing only, as in the plans API (``plan_update`` refuses
        it): archiving is for good, and orders already made keep what they bought."""
        if obj is not None and obj.archived:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        """Through the catalogue services, as the plans API saves (slug, the same rules; a
        change through ``plan_update``, which refuses an archived plan)."""
        if not change:
            catalogue.plan_save(obj)
            return
        catalogue.plan_update(obj.pk, **{name: getattr(obj, name) for name in form.changed_data})
        obj.refresh_from_db()


@admin.register(Coupon)
class CouponAdmin(TitledListAdmin, admin.ModelAdmin):
    list_display = (
        "code",
        "discount",
        "enabled",
        "valid_from",
        "valid_until",
        "times_used",
        "usage_limit",
    )
    list_filter = ("enabled", "discount_type")
    search_fields = ("code",)
    filter_horizontal = ("plans",)
    readonly_fields = ("times_used", "created")

    @admin.display(description="discount")
    def discount(self, coupon: Coupon) -> str:
        """``10 % off``; a fixed amount is in the currency of the plan it is used on."""
        if coupon.discount_type == DiscountType.PERCENT:
            return f"{coupon.value.normalize():f} % off"
        return f"{coupon.value:.2f} off (in the plan's currency)"


@admin.register(TaxSetting)
class TaxSettingAdmin(TitledListAdmin, admin.ModelAdmin):
    list_display = ("name", "rate", "included_in_price")

    def has_add_permission(self, request) -> bool:
        return not TaxSetting.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
