from __future__ import annotations

from datetime import timedelta

from django.db import models


class ClockOffset(models.Model):
    """The test clock's offset from real time, shared by every process (one row, pk=1).

    Used only when TALLY_TEST_CLOCK=1, so a black-box test can move time for the web
    server and the worker at once with `manage.py clock advance 30d`.
    """

    offset = models.DurationField(default=timedelta)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "test clock"

    def __str__(self) -> str:
        return f"real time + {self.offset}"


class IdempotencyKey(models.Model):
    """One ``Idempotency-Key`` of one caller, and the answer its first request got.

    The row is claimed (inserted, unique per caller and key) before the request runs, so a
    second request with the key finds it: running (409), done (the stored answer), or sent
    with another body (422). Kept 24 hours (``config.idempotency``).
    """

    scope = models.CharField(max_length=64, help_text="A hash of the caller's credentials.")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="A hash of method, path and body.")
    created = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, help_text="Empty while running.")
    headers = models.JSONField(default=dict)
    body = models.BinaryField(default=b"")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_unique")
        ]
        indexes = [models.Index(fields=["created"], name="idempotency_created_idx")]

    def __str__(self) -> str:
        return self.key
