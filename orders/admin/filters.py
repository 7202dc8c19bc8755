"""List filters for the orders list: date ranges typed by the owner, in the site's time zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.utils import timezone

from config.fields import DATE_RANGE_MESSAGE, in_date_range


class DateRangeFilter(admin.FieldListFilter):
    """``?<field>__from=2026-01-01&<field>__to=2026-01-31``: both ends inclusive, site dates.

    Dates are read in the site's time zone (``TALLY_TIME_ZONE``), so "January" means the
    owner's January, not UTC's.
    """

    template = "admin/orders/date_range_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.param_from = f"{field_path}__from"
        self.param_to = f"{field_path}__to"
        super().__init__(field, request, params, model, model_admin, field_path)

    def expected_parameters(self) -> list[str]:
        return [self.param_from, self.param_to]

    def _value(self, param: str) -> str:
        value = self.used_parameters.get(param) or ""
        if isinstance(value, list):
            value = value[-1] if value else ""
        return value.strip()

    def has_output(self) -> bool:
        return True

    def queryset(self, request, queryset):
        start, end = self._value(self.param_from), self._value(self.param_to)
        try:
            if start:
                queryset = queryset.filter(**{f"{self.field_path}__gte": _day_start(start)})
            if end:
                next_day = _day_start(end) + timedelta(days=1)
                queryset = queryset.filter(**{f"{self.field_path}__lt": next_day})
        except ValueError as exc:
            raise IncorrectLookupParameters(exc) from exc
        return queryset

    def choices(self, changelist):
        own = set(self.expected_parameters())
        keep = [
            (key, value)
            for key, values in changelist.get_filters_params().items()
            if key not in own
            for value in (values if isinstance(values, list) else [values])
        ]
        yield {
            "selected": bool(self._value(self.param_from) or self._value(self.param_to)),
            "param_from": self.param_from,
            "param_to": self.param_to,
            "value_from": self._value(self.param_from),
            "value_to": self._value(self.param_to),
            "hidden": keep,
            "clear_query_string": changelist.get_query_string(remove=list(own)),
            "display": "",
        }


def _day_start(text: str) -> datetime:
    """Midnight of an ISO date in the site's time zone (ValueError when it is not a date, or
    is outside the one range every interface accepts: a day after it would overflow)."""
    day = date.fromisoformat(text)
    moment = timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())
    if not in_date_range(moment):
        raise ValueError(f"The date {DATE_RANGE_MESSAGE}")
    return moment


class PastDueFilter(admin.SimpleListFilter):
    """Orders whose renewal was declined and is being retried (dunning): ``?past_due=yes``."""

    title = "past due"
    parameter_name = "past_due"

    def lookups(self, request, model_admin):
        return [("yes", "Past due (a renewal is being retried)")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(payment_retry_at__isnull=False)
        return queryset
