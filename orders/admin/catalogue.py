"""Plans, coupons and the tax setting in the admin."""

from __future__ import annotations

from django.contrib import admin

from config.adminlists import TitledListAdmin
from orders.models import Coupon, Plan, TaxSetting


@admin.register(Plan)
class PlanAdmin(TitledListAdmin, admin.ModelAdmin):
    list_display = (
        "name",
        "price",
        "currency",
        "pricing_model",
        "duration_count",
        "duration_unit",
        "cycle_count",
        "free_trial_days",
        "is_public",
        "archived",
    )
    list_filter = ("pricing_model", "is_public", "archived", "currency")
    search_fields = ("name", "id")
    readonly_fields = ("id", "created", "updated")
    fieldsets = (
        (None, {"fields": ("id", "name", "description", "is_public", "archived")}),
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


@admin.register(Coupon)
class CouponAdmin(TitledListAdmin, admin.ModelAdmin):
    list_display = (
        "code",
        "discount_type",
        "value",
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


@admin.register(TaxSetting)
class TaxSettingAdmin(TitledListAdmin, admin.ModelAdmin):
    list_display = ("name", "rate", "included_in_price")

    def has_add_permission(self, request) -> bool:
        return not TaxSetting.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
