"""Key versions per app, and the sessions that were submitted.

No key material is stored: a version row only says that the app's key number ``version``
exists and until when it may decrypt. The key itself is derived from the master secret
(sessions_app/keys.py). A submitted session is recorded by its ``sid`` under a unique
constraint, in the same transaction as its order and invoice, so a session is used once.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models

from accounts.models import App


def decrypts_at(retires_at: datetime | None, at: datetime) -> bool:
    """A version decrypts until the moment it retires (exclusive); None: not scheduled."""
    return retires_at is None or at < retires_at


class SessionKeyVersion(models.Model):
    """One version of an app's session key.

    The newest version without ``retires_at`` encrypts. A rotated version decrypts until
    ``retires_at`` (the longest session lifetime plus leeway after the rotation); an emergency
    revoke sets ``retires_at`` to the moment of the revoke.
    """

    app = models.ForeignKey(App, on_delete=models.CASCADE, related_name="session_key_versions")
    version = models.PositiveIntegerField()
    created = models.DateTimeField()
    retires_at = models.DateTimeField(
        null=True, blank=True, help_text="From this moment the version decrypts nothing."
    )
    created_by = models.CharField(max_length=150, blank=True)
    retired_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["app", "-version"]
        verbose_name = "session key version"
        constraints = [
            models.UniqueConstraint(fields=["app", "version"], name="session_key_app_version"),
        ]

    def __str__(self) -> str:
        return f"{self.app} v{self.version}"

    def state(self, at: datetime) -> str:
        if self.retires_at is None:
            return "current"
        return "decrypt-only" if decrypts_at(self.retires_at, at) else "retired"


class SubmittedSession(models.Model):
    """A session that made its order. Inserted first in the submit transaction, so a second
    submit of the same ``sid`` waits on the unique index and then finds this row."""

    sid = models.CharField(max_length=32, unique=True)
    app = models.ForeignKey(App, on_delete=models.PROTECT, related_name="submitted_sessions")
    order = models.OneToOneField(
        "orders.Order",
        null=True,
        on_delete=models.PROTECT,
        related_name="order_session",
    )
    invoice = models.ForeignKey(
        "orders.Invoice", null=True, on_delete=models.PROTECT, related_name="+"
    )
    contract_switch_type = models.CharField(max_length=24)
    switched_from = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    session_data = models.JSONField()
    created_date = models.DateTimeField(help_text="When the session was created (its iat).")
    submitted_date = models.DateTimeField()

    class Meta:
        ordering = ["-submitted_date"]
        verbose_name = "submitted order session"

    def __str__(self) -> str:
        return f"session {self.sid}"
