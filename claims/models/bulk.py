"""Inserting many rows of one model in one statement of constant text (PostgreSQL).

`QuerySet.bulk_create` prepares every field of every object in Python (`pre_save`,
`get_db_prep_save`, a value each through the field's machinery): for a harvest's ~350
candidates a batch that was about 5% of a worker's time (issue 17). Here each column is
one list, sent as one array parameter that PostgreSQL unpacks with `unnest`. Only for
plain values: the
objects' attributes are sent as they are (no field-specific preparation beyond the driver's
own adaptation), and `auto_now`/`auto_now_add` fields get one time for the whole batch.
Elsewhere (SQLite) it is `bulk_create`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, models
from django.utils import timezone


def insert_returning_ids(objs: Sequence[models.Model], *, using: str = "default") -> list[int]:
    """Insert `objs` (new, of one model, primary keys unset) and return their new ids, in order."""
    if not objs:
        return []
    model = type(objs[0])
    connection = connections[using]
    if connection.vendor != "postgresql":
        return [obj.pk for obj in model._default_manager.db_manager(using).bulk_create(objs, batch_size=500)]
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    stamped = {f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
    columns: list[list[Any]] = [
        [now] * len(objs) if f.attname in stamped else [getattr(obj, f.attname) for obj in objs] for f in fields
    ]
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    pk = quote(model._meta.pk.column)
    # Safe: table, column names and types come from the model; every value is a bound parameter.
    # WITH ORDINALITY and ORDER BY keep the objects' order, so the ids come back in it.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"SELECT {', '.join(f'v.c{i}' for i in range(len(fields)))} "
        f"FROM unnest({arrays}) WITH ORDINALITY AS v({', '.join(f'c{i}' for i in range(len(fields)))}, n) "
        f"ORDER BY v.n RETURNING {pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, columns)
        ids = [row[0] for row in cursor.fetchall()]
    for obj, new_id in zip(objs, ids, strict=True):
        obj.pk = new_id
        obj._state.adding = False
        obj._state.db = using
        for attname in stamped:
            setattr(obj, attname, now)
    return ids
