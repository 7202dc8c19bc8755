"""Strict JSON fields: the wire types exactly, nothing coerced.

DRF's IntegerField takes ``"12"``, ``12.0`` and ``true``; CharField takes numbers. A receipt
is immutable, so a guessed conversion would be stored for good: these fields refuse instead.
"""

from __future__ import annotations

from rest_framework import serializers

from receipts.validation.text import ID_RULE, is_valid_id, text_problem


class StrictStringField(serializers.CharField):
    """A JSON string, taken as sent (no trimming)."""

    default_error_messages = {"invalid": "must be a JSON string."}

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return data


class TextField(StrictStringField):
    """One line of text shown to a buyer: no control, format or unpaired surrogate characters."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        reason = text_problem(value, max_length=self.max_length or len(value))
        if reason:
            raise serializers.ValidationError(reason)
        return value


class IdField(StrictStringField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not is_valid_id(value):
            raise serializers.ValidationError(ID_RULE)
        return value
