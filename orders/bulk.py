"""Writing many rows in few statements (the clock writes whole batches of orders).

On PostgreSQL, new rows go in with ``COPY`` and changed rows with one ``UPDATE ... FROM
unnest(...)``: both cost a fraction of Django's ``bulk_create`` / ``bulk_update`` (whose
``CASE WHEN`` per row and per field grows with the batch). Small writes, and other databases,
use Django's own.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.db import connection, models

# Below this many rows Django's own statements are as fast and simpler to read in a log.
MIN_ROWS = 50


def _fast() -> bool:
    return connection.vendor == "postgresql"


def copy_text(value) -> str:
    """One value in the text format of COPY."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return f"{value.total_seconds()} seconds"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _db_value(field: models.Field, obj: models.Model):
    """The database value of ``field`` (JSON fields never come here: COPY writes them itself,
    and updates of them take ``bulk_update``)."""
    return field.get_db_prep_save(field.pre_save(obj, True), connection)


def _plain(field: models.Field) -> bool:
    """Stored as the attribute holds it (no auto values, no conversion but to text)."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return False
    return isinstance(
        field,
        models.CharField
        | models.IntegerField
        | models.DecimalField
        | models.DateTimeField
        | models.UUIDField
        | models.BooleanField
        | models.ForeignKey,
    )


def _text_or_null(convert):
    return lambda value: "\\N" if value is None else convert(value)


def _copy_value(field: models.Field):
    """A function from an object to the COPY text of ``field``."""
    attname = field.attname
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        dump = _text_or_null(lambda v: copy_text(json.dumps(v, cls=encoder)))
        return lambda obj: dump(getattr(obj, attname))
    if not _plain(field):
        return lambda obj: copy_text(_db_value(field, obj))
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    if isinstance(target, models.UUIDField | models.IntegerField | models.DecimalField):
        convert = _text_or_null(str)  # never holds a tab, a newline or a backslash
    elif isinstance(target, models.DateTimeField):
        convert = _text_or_null(datetime.isoformat)
    else:
        convert = copy_text
    return lambda obj: convert(getattr(obj, attname))


def insert_many(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Insert ``objs``. With COPY, auto-numbered primary keys are not read back."""
    if not objs:
        return
    if not _fast() or len(objs) < MIN_ROWS:
        model.objects.bulk_create(objs)
        return
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
    ]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
            values = [_copy_value(f) for f in fields]
            lines = ("\t".join([value(obj) for value in values]) for obj in objs)
            copy.write("\n".join(lines) + "\n")


def _column(field: models.Field, objs: Sequence[models.Model]) -> list:
    """The values of ``field`` for an UPDATE: a plain field's attributes as they are (the
    statement casts them to the column's type), any other through Django's conversion."""
    if _plain(field):
        attname = field.attname
        return [getattr(o, attname) for o in objs]
    return [_db_value(field, o) for o in objs]


def update_many(
    model: type[models.Model], objs: Sequence[models.Model], names: Sequence[str]
) -> None:
    """Save fields ``names`` of ``objs`` (rows that exist) in one statement."""
    if not objs:
        return
    fields = [model._meta.get_field(name) for name in names]
    if not _fast() or len(objs) < MIN_ROWS or any(isinstance(f, models.JSONField) for f in fields):
        model.objects.bulk_update(objs, list(names), batch_size=1000)
        return
    pk = model._meta.pk
    quote = connection.ops.quote_name
    table = model._meta.db_table
    arrays = [[pk.get_db_prep_save(o.pk, connection) for o in objs]]
    arrays += [_column(f, objs) for f in fields]
    casts = ", ".join(f"%s::{f.db_type(connection)}[]" for f in (pk, *fields))
    names_sql = ", ".join(quote(f.column) for f in (pk, *fields))
    sets = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
    sql = (
        f"UPDATE {table} SET {sets} FROM unnest({casts}) AS v({names_sql}) "
        f"WHERE {table}.{quote(pk.column)} = v.{quote(pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
