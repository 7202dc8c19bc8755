"""The owner's webhook pages: every endpoint of every app, recent deliveries with their
attempts, enable/disable, replays (one delivery, an order's events, a time range), the
signing key's public PEM and the site's instance id.

Every change calls a service in ``webhooks.services``; a refusal is shown with its message.
Seeing needs the model's "view" permission; every change (enable, disable, a secret, a
replay) its "change" permission, and rotating the signing key "change" on signing keys (a
superuser has every permission). A staff member without it gets 403 and nothing changes.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from accounts.admin import show_once
from config.adminlists import RefusedActions
from config.errors import DomainError, FieldError
from orders.services.events import EVENT_TYPES, PREFIX
from webhooks.models import Attempt, Delivery, Endpoint, SigningKey
from webhooks.services import endpoints, keys, replay

RECENT = 50


def may_change(request, model) -> bool:
    """The user holds ``model``'s change permission (the models whose admin is read-only)."""
    opts = model._meta
    return request.user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}")


class EndpointForm(forms.ModelForm):
    """The endpoint's fields, checked by the services' own rules."""

    event_types = forms.MultipleChoiceField(
        choices=[(t, t) for t in EVENT_TYPES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every event.",
    )

    class Meta:
        model = Endpoint
        fields = ["app", "url", "event_types", "format", "description", "enabled"]

    def clean(self):
        data = super().clean()
        if data.get("app") is not None:
            try:
                endpoints.clean_app(data["app"])
            except DomainError as exc:
                self.add_error("app", exc.message)
        checks = {
            "url": endpoints.clean_url,
            "event_types": endpoints.clean_event_types,
            "description": endpoints.clean_description,
            "format": endpoints.clean_format,
        }
        for name, check in checks.items():
            if name in data:
                try:
                    data[name] = check(data[name])
                except FieldError as exc:
                    self.add_error(name, exc.message)
        return data


@admin.register(Endpoint)
class EndpointAdmin(RefusedActions):
    form = EndpointForm
    list_display = (
        "url",
        "app",
        "format",
        "enabled",
        "disabled_reason",
        "event_list",
        "created_date",
    )
    list_filter = ("enabled", "format", "disabled_reason", "app")
    search_fields = ("url", "description", "app__name")
    readonly_fields = (
        "disabled_reason",
        "created_date",
        "enabled_date",
        "updated_date",
        "recent_deliveries",
        "replay_link",
    )
    actions = ["enable", "disable", "rotate_secret"]

    @admin.display(description="events")
    def event_list(self, obj: Endpoint) -> str:
        return ", ".join(short(t) for t in obj.event_types) or "all"

    @admin.display(description="recent deliveries")
    def recent_deliveries(self, obj: Endpoint) -> str:
        if obj.pk is None:
            return "-"
        recent = obj.deliveries.order_by("-created_date")[:RECENT]
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>#{}</td><td>{}</td>'
            "<td>{}</td></tr>",
            (
                (
                    reverse("admin:webhooks_delivery_change", args=[d.pk]),
                    d.created_date.strftime("%Y-%m-%d %H:%M:%S"),
                    short(d.event_type),
                    d.order_id,
                    d.sequence,
                    d.status,
                    d.attempts,
                )
                for d in recent
            ),
        )
        more = reverse("admin:webhooks_delivery_changelist") + f"?endpoint__id__exact={obj.pk}"
        return format_html(
            "<table><tr><th>created</th><th>event</th><th>order</th><th>seq</th><th>status</th>"
            '<th>attempts</th></tr>{}</table><p><a href="{}">All deliveries</a></p>',
            rows,
            more,
        )

    @admin.display(description="replay")
    def replay_link(self, obj: Endpoint) -> str:
        if obj.pk is None:
            return "-"
        url = reverse("admin:webhooks_endpoint_replay", args=[obj.pk])
        return format_html('<a href="{}">Replay an order\'s events or a time range</a>', url)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("created_date", "updated_date")
        return (*self.readonly_fields, "app", "format")

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        if not change:
            endpoint, secret = endpoints.webhook_endpoint_create(
                app=data["app"],
                url=data["url"],
                event_types=data["event_types"],
                format=data["format"],
                description=data["description"],
                enabled=data["enabled"],
            )
            obj.pk, obj.created_date, obj.updated_date = (
                endpoint.pk,
                endpoint.created_date,
                endpoint.updated_date,
            )
            if secret:
                show_once(request, "Signing secret", secret)
            return
        endpoints.webhook_endpoint_update(
            obj.pk,
            app=None,
            url=data["url"],
            event_types=data["event_types"],
            description=data["description"],
            enabled=data["enabled"],
        )

    def delete_model(self, request, obj) -> None:
        endpoints.webhook_endpoint_delete(obj.pk, app=None)

    def delete_queryset(self, request, queryset) -> None:
        for endpoint in queryset:
            endpoints.webhook_endpoint_delete(endpoint.pk, app=None)

    @admin.action(description="Enable (deliver events written from now on)", permissions=["change"])
    def enable(self, request, queryset):
        for endpoint in queryset:
            endpoints.webhook_endpoint_update(endpoint.pk, app=None, enabled=True)
        self.message_user(request, f"{queryset.count()} endpoint(s) enabled.")

    @admin.action(description="Disable (pending deliveries are canceled)", permissions=["change"])
    def disable(self, request, queryset):
        for endpoint in queryset:
            endpoints.webhook_endpoint_update(endpoint.pk, app=None, enabled=False)
        self.message_user(request, f"{queryset.count()} endpoint(s) disabled.")

    @admin.action(
        description="Rotate the Standard Webhooks secret (shown once)", permissions=["change"]
    )
    def rotate_secret(self, request, queryset):
        for endpoint in queryset:
            try:
                _, secret = endpoints.webhook_endpoint_rotate_secret(endpoint.pk, app=None)
            except DomainError as exc:
                self.message_user(request, f"{endpoint}: {exc.message}", messages.ERROR)
                continue
            show_once(request, f"New secret for {endpoint}", secret)

    def get_urls(self):
        view = self.admin_site.admin_view(self.replay_view)
        return [
            path("<uuid:endpoint_id>/replay/", view, name="webhooks_endpoint_replay"),
            *super().get_urls(),
        ]

    def replay_view(self, request, endpoint_id):
        endpoint = endpoints.endpoint_get(endpoint_id, app=None)
        if not self.has_change_permission(request, endpoint):
            raise PermissionDenied
        form = ReplayForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                queued = replay.webhook_replay(endpoint.pk, app=None, **form.service_arguments())
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, f"{queued} event(s) queued for {endpoint}.")
                return HttpResponseRedirect(
                    reverse("admin:webhooks_endpoint_change", args=[endpoint.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Replay events to {endpoint}",
            "endpoint": endpoint,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/webhooks/replay.html", context)


class ReplayForm(forms.Form):
    order_id = forms.UUIDField(
        required=False, label="Order id", help_text="Every event of one order."
    )
    since = forms.DateTimeField(required=False, help_text="Or the events written from this time...")
    until = forms.DateTimeField(required=False, help_text="...until this one (default: now).")
    only_failed = forms.BooleanField(required=False, help_text="Only events never delivered to it.")

    def clean(self):
        data = super().clean()
        if bool(data.get("order_id")) == bool(data.get("since")):
            raise forms.ValidationError("Give an order id, or a time range (since, until).")
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        if data.get("order_id"):
            return {"order_id": data["order_id"], "only_failed": data["only_failed"]}
        return {
            "since": data["since"],
            "until": data.get("until"),
            "only_failed": data["only_failed"],
        }


class AttemptInline(admin.TabularInline):
    model = Attempt
    fields = ("at", "http_status", "error", "duration_ms", "response_excerpt")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(RefusedActions):
    list_display = (
        "created_date",
        "event_type",
        "endpoint",
        "order_id",
        "sequence",
        "status",
        "attempts",
        "next_attempt_at",
    )
    list_filter = ("status", "event_type", "endpoint__app")
    search_fields = ("order_id", "event__id")
    list_select_related = ("endpoint",)
    fields = (
        "endpoint",
        "event_id",
        "event_type",
        "order_id",
        "sequence",
        "identity",
        "status",
        "attempts",
        "next_attempt_at",
        "created_date",
        "updated_date",
    )
    readonly_fields = fields
    inlines = [AttemptInline]
    actions = ["replay_delivery", "replay_orders"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a delivery is a record: only a replay makes new ones

    def has_replay_permission(self, request) -> bool:
        return may_change(request, Delivery)

    @admin.action(
        description="Replay these deliveries' events to their endpoints", permissions=["replay"]
    )
    def replay_delivery(self, request, queryset):
        self.replay(request, queryset, lambda d: {"event_ids": [d.event_id]})

    @admin.action(
        description="Replay every event of these deliveries' orders", permissions=["replay"]
    )
    def replay_orders(self, request, queryset):
        self.replay(request, queryset, lambda d: {"order_id": d.order_id})

    def replay(self, request, queryset, arguments) -> None:
        queued = 0
        for delivery in queryset.select_related("endpoint"):
            try:
                queued += replay.webhook_replay(
                    delivery.endpoint_id, app=None, **arguments(delivery)
                )
            except DomainError as exc:
                self.message_user(request, f"{delivery.endpoint}: {exc.message}", messages.ERROR)
        self.message_user(request, f"{queued} event(s) queued.")


@admin.register(SigningKey)
class SigningKeyAdmin(RefusedActions):
    """The keys that sign Wix-format deliveries: the public half only, never the private."""

    list_display = ("kid", "is_current", "created_date", "retired_date")
    fields = ("kid", "is_current", "created_date", "retired_date", "public_key_pem", "instance_id")
    readonly_fields = fields
    actions = ["rotate"]

    def changelist_view(self, request, extra_context=None):
        keys.signing_key_current()  # the first visit shows the key the first delivery will use
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_rotate_permission(self, request) -> bool:
        return may_change(request, SigningKey)

    @admin.display(description="public key (PEM, for a receiver's AppStrategy publicKey)")
    def public_key_pem(self, obj: SigningKey) -> str:
        return format_html("<pre>{}</pre>", keys.public_pem(obj))

    @admin.display(description="site instance id")
    def instance_id(self, obj: SigningKey) -> str:
        return keys.instance_id()

    @admin.action(
        description="Rotate: a new key signs from now on (the old one stays published 7 days)",
        permissions=["rotate"],
    )
    def rotate(self, request, queryset):
        key = keys.signing_key_rotate()
        self.message_user(request, f"Deliveries are now signed with key {key.kid}.")


def short(event_type: str) -> str:
    return event_type.removeprefix(PREFIX)
