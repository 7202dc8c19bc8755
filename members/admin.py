"""The owner turns each kind of member email on or off, and sees which were sent."""

from __future__ import annotations

from django.contrib import admin

from members.models import EmailSetting, SentEmail


@admin.register(EmailSetting)
class EmailSettingAdmin(admin.ModelAdmin):
    list_display = ("kind", "enabled")
    list_editable = ("enabled",)
    list_display_links = ("kind",)


@admin.register(SentEmail)
class SentEmailAdmin(admin.ModelAdmin):
    list_display = ("sent_date", "kind", "cycle", "to", "skipped", "order")
    list_filter = ("kind", "skipped")
    list_select_related = ("order",)
    search_fields = ("to",)
    readonly_fields = ("order", "kind", "cycle", "to", "skipped", "event", "sent_date")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
