"""Fast bulk writes for large imports: INSERT by COPY or executemany, UPDATE by executemany."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, models


def insert(model: type[models.Model], objs: list[Any]) -> None:
    """INSERT `objs` (fully populated, no pk): COPY on PostgreSQL, executemany elsewhere.

    What bulk_create does, minus its per-value Python work (every value through the field's
    get_db_prep_save, a multi-row statement compiled per batch). Measured on 50,000 members:
    bulk_create 7.1 s on SQLite and 4.7 s on PostgreSQL; executemany 1.3 s on SQLite; COPY 1.8 s
    on PostgreSQL. Values are only str, bool, int, None, date and datetime, which the drivers
    take as they are (SQLite after the backend's own date adapters).
    """
    if not objs:
        return
    # Generated columns (Member.mobile_tail) are computed by the database, never inserted.
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and not f.generated]
    attnames = [f.attname for f in fields]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for obj in objs:
                    copy.write_row([getattr(obj, name) for name in attnames])
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
            cursor.executemany(sql, [values_of(obj, attnames) for obj in objs])


def update(model: type[models.Model], objs: list[Any], attnames: tuple[str, ...]) -> None:
    """UPDATE `attnames` of `objs` by primary key: one prepared statement run by executemany.

    bulk_update builds one CASE WHEN per field over the whole batch, which costs quadratic time
    in the batch size; re-importing 50,000 changed rows took longer than reading the file thrice."""
    if not objs:
        return
    columns = {f.attname: str(f.column) for f in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(model._meta.db_table),
        ", ".join(f"{quote(columns[name])} = %s" for name in attnames),
        quote(str(model._meta.pk.column)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[*values_of(obj, attnames), obj.pk] for obj in objs])


def values_of(obj: Any, attnames: list[str] | tuple[str, ...]) -> list[Any]:
    adapt_date = connection.ops.adapt_datefield_value
    adapt_datetime = connection.ops.adapt_datetimefield_value
    values = []
    for name in attnames:
        value = getattr(obj, name)
        kind = type(value)
        if kind is dt.date:
            value = adapt_date(value)
        elif kind is dt.datetime:
            value = adapt_datetime(value)
        values.append(value)
    return values
