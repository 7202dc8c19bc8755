"""The Wix API query language for plans: ``{filter, sort, paging}`` to a Django query.

    {"filter": {"primary": true, "createdDate": {"$gte": "2026-01-01T00:00:00.000Z"}},
     "sort": [{"fieldName": "_createdDate", "order": "DESC"}],
     "paging": {"limit": 20, "offset": 0}}

Filters: a field's value (equality) or ``{"$op": value}`` with ``$eq $ne $gt $gte $lt $lte
$in $nin $exists $startsWith``; ``$and``/``$or`` take lists, ``$not`` an object. Fields are
the plan's queryable ones, by either name the client uses (it renames ``_id`` to ``id`` in
filters but not in sort field names). Anything else is a validation error naming the field.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.models import Q

from config.errors import FieldError

# wire field -> (model field, value parser)
Parser = Callable[[Any], Any]


def _guid(value: Any) -> uuid.UUID:
    return uuid.UUID(str(value))


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("not a boolean")
    return value


def _time(value: Any) -> datetime:
    if isinstance(value, dict) and "$date" in value:
        value = value["$date"]
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("no time zone")
    return parsed


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("not a string")
    return value


FIELDS: dict[str, tuple[str, Parser]] = {
    "id": ("id", _guid),
    "primary": ("primary", _bool),
    "createdDate": ("created", _time),
    "updatedDate": ("updated", _time),
    "slug": ("slug", _text),
}
LOOKUPS = {"$gt": "gt", "$gte": "gte", "$lt": "lt", "$lte": "lte", "$startsWith": "istartswith"}
MAX_LIMIT = 100
DEFAULT_LIMIT = 50


def _field(name: str, where: str) -> tuple[str, Parser]:
    known = FIELDS.get(name.lstrip("_"))
    if known is None:
        raise FieldError(where, f"cannot filter or sort by '{name}'.", rule="INVALID_FIELD")
    return known


def _value(parse: Parser, value: Any, where: str) -> Any:
    try:
        return parse(value)
    except (ValueError, TypeError, AttributeError) as exc:
        raise FieldError(where, "has a value of the wrong type.") from exc


def _condition(name: str, spec: Any, where: str) -> Q:
    column, parse = _field(name, where)
    if not isinstance(spec, dict) or "$date" in spec:
        return Q(**{column: _value(parse, spec, where)})
    q = Q()
    for op, value in spec.items():
        at = f"{where}.{op}"
        if op == "$eq":
            q &= Q(**{column: _value(parse, value, at)})
        elif op == "$ne":
            q &= ~Q(**{column: _value(parse, value, at)})
        elif op in ("$in", "$nin"):
            if not isinstance(value, list):
                raise FieldError(at, "takes a list.")
            found = Q(**{f"{column}__in": [_value(parse, v, at) for v in value]})
            q &= found if op == "$in" else ~found
        elif op == "$exists":
            q &= Q(**{f"{column}__isnull": not _value(_bool, value, at)})
        elif op in LOOKUPS:
            q &= Q(**{f"{column}__{LOOKUPS[op]}": _value(parse, value, at)})
        else:
            raise FieldError(at, "is not a supported operator.", rule="INVALID_OPERATOR")
    return q


def filter_to_q(spec: Any, where: str = "query.filter") -> Q:
    if spec is None:
        return Q()
    if not isinstance(spec, dict):
        raise FieldError(where, "must be an object.")
    q = Q()
    for key, value in spec.items():
        at = f"{where}.{key}"
        if key in ("$and", "$or"):
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                raise FieldError(at, "takes a list of filters.")
            parts = [filter_to_q(v, at) for v in value]
            combined = Q()
            for part in parts:
                combined = combined & part if key == "$and" else combined | part
            q &= combined
        elif key == "$not":
            q &= ~filter_to_q(value, at)
        else:
            q &= _condition(key, value, at)
    return q


def sort_to_order(spec: Any) -> list[str]:
    if spec is None:
        return []
    if not isinstance(spec, list):
        raise FieldError("query.sort", "must be a list.")
    order = []
    for i, item in enumerate(spec):
        at = f"query.sort[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("fieldName"), str):
            raise FieldError(f"{at}.fieldName", "is required.", rule="REQUIRED_FIELD")
        column, _ = _field(item["fieldName"], f"{at}.fieldName")
        direction = item.get("order", "ASC")
        if direction not in ("ASC", "DESC"):
            raise FieldError(f"{at}.order", "must be ASC or DESC.")
        order.append(f"-{column}" if direction == "DESC" else column)
    return order


def paging_of(spec: Any) -> tuple[int, int]:
    """(offset, limit); limit 1..100, default 50."""
    spec = spec or {}
    if not isinstance(spec, dict):
        raise FieldError("query.paging", "must be an object.")
    limit, offset = spec.get("limit", DEFAULT_LIMIT), spec.get("offset", 0)
    if limit is None:
        limit = DEFAULT_LIMIT
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise FieldError(
            "query.paging.limit", f"must be 1 to {MAX_LIMIT}.", rule="PAGING_LIMIT_OUT_OF_RANGE"
        )
    offset = offset or 0
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset < 2**31:
        raise FieldError("query.paging.offset", "must be 0 or more.", rule="MIN")
    return offset, limit
