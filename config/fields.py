"""Strict JSON body fields: the wire types exactly, nothing coerced.

DRF's ``BooleanField`` takes ``"yes"``, ``"on"``, ``1`` and ``"1"`` as true, and its
``IntegerField`` takes ``"12"``, ``12.0`` and ``true``. A body is JSON, so a client that sends
``"paid": "yes"`` has a bug worth hearing about: these fields refuse, naming the field, instead
of guessing. Query strings have no types, so query serializers keep DRF's own fields.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rest_framework import serializers

# One range for every date any interface accepts (API bodies, order sessions, the admin's
# forms): nothing real is planned outside it, and calendar arithmetic on a date near year
# 9999 (an end date a few cycles later) would leave the range Python's datetime can hold.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)
DATE_RANGE_MESSAGE = "must be between 1970 and 3000."


def in_date_range(moment: datetime) -> bool:
    return EARLIEST <= moment < LATEST


class Timestamp(serializers.DateTimeField):
    """``YYYY-MM-DDThh:mm[:ss][.sss]Z`` as JavaScript's ``toISOString`` writes it; UTC."""

    def to_internal_value(self, value):
        moment = super().to_internal_value(value).astimezone(UTC)
        if not in_date_range(moment):
            raise serializers.ValidationError(DATE_RANGE_MESSAGE, code="invalid")
        return moment


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": "must be a JSON boolean (true or false)."}

    def to_internal_value(self, data):
        if type(data) is not bool:
            self.fail("invalid")
        return data


class StrictIntegerField(serializers.IntegerField):
    default_error_messages = {
        "invalid": "must be a JSON integer (not a string, a decimal number or a boolean)."
    }

    def to_internal_value(self, data):
        if type(data) is not int:
            self.fail("invalid")
        return data
