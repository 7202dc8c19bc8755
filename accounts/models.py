"""Who calls Tally: members (site users) and apps (API clients, the tenants), and their tokens."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person: a member who buys plans, or the site owner (staff).

    ``member_id`` and ``contact_id`` are the GUIDs the Wix wire format calls
    ``buyer.memberId`` and ``buyer.contactId``.
    """

    member_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contact_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]  # the stubs omit the parent's Meta
        swappable = "AUTH_USER_MODEL"
        verbose_name = "member"
        verbose_name_plural = "members"


class App(models.Model):
    """An API client and a tenant: order sessions are readable only by the app that made them."""

    app_def_id = models.UUIDField("app id", default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100, unique=True)
    scopes = models.JSONField(default=list, help_text="Scopes this app may use.")
    is_active = models.BooleanField(default=True, help_text="Inactive apps cannot call the API.")
    is_site = models.BooleanField(
        default=False,
        editable=False,
        help_text="The site's own app: the member pages buy through its order sessions.",
    )
    created = models.DateTimeField(auto_now_add=True)
    session_key_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="The order-session key version that encrypts for this app now; None before "
        "its first session.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_site"], condition=models.Q(is_site=True), name="one_site_app"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_authenticated(self) -> bool:
        # DRF puts the app in request.user; it is an authenticated caller.
        return True

    def clean(self) -> None:
        from accounts.services import validate_scopes

        validate_scopes(self.scopes)


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once.

    Tokens are 256-bit random strings, so a fast hash is enough (no password hashing needed)
    and lets authentication be one indexed lookup.
    """

    class Kind(models.TextChoices):
        APP = "APP", "app"
        MEMBER = "MEMBER", "member"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    app = models.ForeignKey(
        App, null=True, blank=True, on_delete=models.CASCADE, related_name="tokens"
    )
    member = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16, help_text="The first characters, to recognise it.")
    created = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="token_has_one_owner",
                condition=(
                    models.Q(kind="APP", app__isnull=False, member__isnull=True)
                    | models.Q(kind="MEMBER", app__isnull=True, member__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}…"


class ClientSecret(models.Model):
    """A client secret of an app, for the client-credentials step of the receipts API
    (``POST /accessToken/get`` with ``client_id`` = the app id). Only its SHA-256 is stored
    (a 256-bit random secret needs no password hashing); it is shown once. Revoking it ends
    every access token issued with it on the next request."""

    app = models.ForeignKey(App, on_delete=models.CASCADE, related_name="client_secrets")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16, help_text="The first characters, to recognise it.")
    created = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.prefix}…"
