"""Members and apps in the owner's dashboard. Token changes go through accounts.services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.html import format_html

from accounts import client_credentials, services
from accounts.forms import AppForm, MemberChangeForm, MemberCreationForm
from accounts.models import ApiToken, App, ClientSecret, User
from config.adminlists import TitledListAdmin


@admin.register(User)
class MemberAdmin(TitledListAdmin, UserAdmin):
    form = MemberChangeForm
    add_form = MemberCreationForm
    list_display = ("username", "email", "member_id", "is_staff", "is_active", "date_joined")
    search_fields = ("username", "email", "member_id", "first_name", "last_name")
    readonly_fields = ("member_id", "contact_id")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Member ids", {"fields": ("member_id", "contact_id")}),
    )
    actions = ["issue_member_token"]

    @admin.action(description="Issue a personal API token (shown once)", permissions=["change"])
    def issue_member_token(self, request, queryset):
        for member in queryset:
            token = services.member_token_issue(member=member)
            show_once(request, f"New token for {member.get_username()}", token)


class SecretInline(admin.TabularInline):
    """A secret's prefix and dates, read-only: secrets are issued and revoked by actions."""

    fields = ("prefix", "created", "revoked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ApiTokenInline(SecretInline):
    model = ApiToken


class ClientSecretInline(SecretInline):
    """Client secrets for POST /accessToken/get (client_id = the app id); read-only, issued
    and revoked by the app actions."""

    model = ClientSecret


@admin.register(App)
class AppAdmin(TitledListAdmin, admin.ModelAdmin):
    form = AppForm
    list_display = ("name", "app_def_id", "scope_list", "is_active", "created")
    search_fields = ("name", "app_def_id")
    readonly_fields = ("app_def_id", "created")
    inlines = [ApiTokenInline, ClientSecretInline]
    actions = ["rotate_token", "issue_client_secret", "revoke_client_secrets"]

    def get_inlines(self, request, obj):
        # A new app has no tokens yet; its first token is shown once after saving.
        return self.inlines if obj else []

    @admin.display(description="scopes")
    def scope_list(self, obj: App) -> str:
        return ", ".join(obj.scopes) or "none"

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        app, token = services.app_create(name=obj.name, scopes=obj.scopes)
        obj.pk, obj.app_def_id, obj.created = app.pk, app.app_def_id, app.created
        show_once(request, f"Token for {app.name}", token)

    @admin.action(description="Rotate token (old tokens stop working; new one shown once)")
    def rotate_token(self, request, queryset):
        for app in queryset:
            token = services.app_token_rotate(app=app)
            show_once(request, f"New token for {app.name}", token)

    @admin.action(description="Issue a client secret (shown once; other secrets stay valid)")
    def issue_client_secret(self, request, queryset):
        for app in queryset:
            secret = client_credentials.client_secret_issue(app=app)
            show_once(request, f"client_id {app.app_def_id}, client secret for {app.name}", secret)

    @admin.action(description="Revoke client secrets (their access tokens stop at once)")
    def revoke_client_secrets(self, request, queryset):
        count = sum(client_credentials.client_secrets_revoke(app=app) for app in queryset)
        messages.success(request, f"Revoked {count} client secret(s).")


def show_once(request, title: str, token: str) -> None:
    messages.warning(
        request,
        format_html(
            "{}: <code class='tally-token'>{}</code>. Copy it now: it will not be shown again.",
            title,
            token,
        ),
    )
