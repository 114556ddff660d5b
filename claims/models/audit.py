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
