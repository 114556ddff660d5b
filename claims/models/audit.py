"""History for bulk writes.

django-simple-history records saves and deletes through signals, which `QuerySet.update`,
`bulk_update` and `bulk_create` do not send. Audited models use this queryset so those
paths write exactly one history row per changed object too (`bulk_update` is covered
because Django implements it with `update()` on this same queryset).
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from simple_history.models import HistoricalRecords


def _current_user() -> Any:
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


class AuditedQuerySet(models.QuerySet):
    """`update()` writes a history row per changed object: four queries (the ids, the UPDATE,
    the changed rows, the history INSERT). `update_without_history()` is the bare UPDATE."""

    def update(self, **kwargs: Any) -> int:
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            if pks:
                changed = list(self.model._default_manager.using(self.db).filter(pk__in=pks))
                self.model.history.bulk_history_create(
                    changed, update=True, default_user=_current_user(), default_change_reason="bulk update"
                )
        return count

    def update_without_history(self, **kwargs: Any) -> int:
        """One UPDATE and no history row: for columns history does not track (the search text)
        and for the version bump that the write recording the change follows."""
        return super().update(**kwargs)

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            with_pk = [obj for obj in created if obj.pk is not None]
            if with_pk:
                self.model.history.bulk_history_create(
                    with_pk, default_user=_current_user(), default_change_reason="bulk create"
                )
        return created


AuditedManager = models.Manager.from_queryset(AuditedQuerySet)


def history_copy(model: type[models.Model], pks: list[Any], *, using: str = "default") -> int:
    """One creation history row per object, copied by the database from the rows just
    inserted: one `INSERT … SELECT` instead of a historical model instance built, prepared
    and sent back per row (simple-history's `bulk_history_create`), which was half of
    storing a harvest's candidates. Writes what that writes for a bulk create: the tracked
    columns, one `history_date` for the batch, type "+", the request's user (if any) and
    no reason. Returns how many rows were written."""
    from django.conf import settings
    from django.db import connections
    from django.utils import timezone

    if not pks or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return 0
    history = model.history.model  # type: ignore[attr-defined]
    connection = connections[using]
    quote = connection.ops.quote_name
    tracked = history.tracked_fields
    own = [quote(history._meta.get_field(f.attname).column) for f in tracked]
    own += [quote(history._meta.get_field(name).column) for name in _HISTORY_COLUMNS]
    source = ", ".join(quote(f.column) for f in tracked)
    pk_column = quote(model._meta.pk.column)
    user = _current_user()
    date = connection.ops.adapt_datetimefield_value(timezone.now())
    written = 0
    for first in range(0, len(pks), 500):  # SQLite caps a statement's parameters
        chunk = pks[first : first + 500]
        marks = ", ".join(["%s"] * len(chunk))
        # Safe: table and column names come from the models, every value is a bound parameter.
        sql = (
            f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(own)}) "  # noqa: S608
            f"SELECT {source}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
            f"WHERE {pk_column} IN ({marks}) ORDER BY {pk_column}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [date, "+", user.pk if user else None, None, *chunk])
            written += cursor.rowcount
    return written


_HISTORY_COLUMNS = ("history_date", "history_type", "history_user", "history_change_reason")
