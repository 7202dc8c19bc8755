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
