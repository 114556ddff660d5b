"""A changelist paginator that never counts a large table row by row.

Django's admin runs `SELECT COUNT(*)` over the filtered queryset on every page load;
on PostgreSQL that is a full scan of 100 000 claims each time. This paginator uses the
planner's estimate (`pg_class.reltuples`) for an unfiltered list and counts at most
`cap + 1` rows otherwise, so the page costs the same however big the desk grows.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


def estimated_rows(queryset: QuerySet) -> int | None:
    """The planner's row estimate for the queryset's table, or None where there is none."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", [table])
        row = cursor.fetchone()
    # -1 means the table was never analysed; then the estimate means nothing.
    if row is None or row[0] is None or row[0] < 0:
        return None
    return int(row[0])


class EstimatedCountPaginator(Paginator):
    """Paginator whose `count` is an estimate (unfiltered, large) or capped (filtered)."""

    # A capped count still reads up to `cap` matching rows (with their joins): at 10 000 a
    # filtered list of 200k claims spent 130 ms counting (bench/ case 4). A thousand is 20
    # pages of 50; past that a reviewer narrows the filters rather than paging on.
    cap = 1_000

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_estimate = False
        self.is_capped = False

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        unfiltered = not queryset.query.where and not queryset.query.distinct
        if unfiltered:
            estimate = estimated_rows(queryset)
            # Below the cap an exact count is cheap and an estimate would look odd.
            if estimate is not None and estimate > self.cap:
                self.is_estimate = True
                return estimate
        # Django wraps a sliced count in a subquery: SELECT COUNT(*) FROM (SELECT … LIMIT n).
        counted = queryset.order_by().values("pk")[: self.cap + 1].count()
        if counted > self.cap:
            self.is_capped = True
        return counted
