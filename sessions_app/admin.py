"""Key versions per app (rotate, revoke, retire) and the submitted sessions with their orders.

Actions call the same services as ``manage.py rotate_session_keys``.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from accounts.actors import Actor
from config import clock
from config.adminlists import RefusedActions
from config.errors import DomainError
from sessions_app.models import SessionKeyVersion, SubmittedSession
from sessions_app.services.keys import session_key_retire, session_key_rotate


@admin.register(SessionKeyVersion)
class SessionKeyVersionAdmin(RefusedActions):
    list_display = ("app", "version", "state", "created", "retires_at", "created_by", "retired_by")
    list_filter = ("app",)
    search_fields = ("app__name", "app__app_def_id")
    fields = list_display
    readonly_fields = list_display
    actions = ["rotate", "revoke", "retire"]

    @admin.display(description="state")
    def state(self, obj: SessionKeyVersion) -> str:
        return obj.state(clock.now())

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(
        description="Rotate the apps of the selected versions (older keys decrypt 48 h more)",
        permissions=["change"],
    )
    def rotate(self, request, queryset):
        self._per_app(request, queryset, revoke=False)

    @admin.action(
        description="Revoke: new key now, retire every older version of the apps at once",
        permissions=["change"],
    )
    def revoke(self, request, queryset):
        self._per_app(request, queryset, revoke=True)

    @admin.action(
        description="Retire the selected decrypt-only versions now", permissions=["change"]
    )
    def retire(self, request, queryset):
        actor = Actor.owner(request.user)
        for key in queryset:
            try:
                session_key_retire(key_version=key, actor=actor)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, f"Retired {key}.", messages.SUCCESS)

    def _per_app(self, request, queryset, *, revoke: bool) -> None:
        actor = Actor.owner(request.user)
        apps = {key.app_id: key.app for key in queryset.select_related("app")}
        for app in apps.values():
            try:
                key = session_key_rotate(app=app, actor=actor, revoke=revoke)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(
                    request, f"{app}: version {key.version} encrypts now.", messages.SUCCESS
                )


@admin.register(SubmittedSession)
class SubmittedSessionAdmin(admin.ModelAdmin):
    list_display = ("sid", "app", "order_link", "contract_switch_type", "submitted_date")
    list_filter = ("app", "contract_switch_type")
    search_fields = ("sid", "order__id", "app__name")
    list_select_related = ("app", "order")
    fields = (
        "sid",
        "app",
        "order_link",
        "invoice",
        "contract_switch_type",
        "switched_from",
        "session_data",
        "created_date",
        "submitted_date",
    )
    readonly_fields = fields

    @admin.display(description="order")
    def order_link(self, obj: SubmittedSession):
        if obj.order_id is None:
            return "-"
        try:
            url = reverse("admin:orders_order_change", args=[obj.order_id])
        except NoReverseMatch:  # orders not in the admin
            return str(obj.order)
        return format_html('<a href="{}">{}</a>', url, obj.order)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
