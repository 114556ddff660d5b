"""Page numbers for people, keyset cursors for sync clients, and no full COUNT on big tables.

Page mode (`?page=`, `?page_size=` up to 100) reports a count capped at COUNT_CAP, and serves
pages within those first COUNT_CAP rows only (a deeper page is a 400 pointing at cursor mode).
The capped count is a scalar subquery inside the page's own query, so a page costs one query
plus its prefetches whatever its size. A view may ask for an estimated count instead
(`count_by_estimate()`: the claims list does for a full-text search): counting even the first
10,000 matches of two common words read every match through the GIN index, 50 times more at
a million claims than at 20k; PostgreSQL's estimate costs one EXPLAIN. Above ESTIMATE_ABOVE
matches the estimate is reported (`count_estimated` true); below it the count is exact.

Cursor mode (`?cursor=`; an empty value or `?pagination=cursor` starts at the beginning)
walks claims by (updated_at, id) ascending with a keyset condition, not an offset, and
returns `next_cursor` even on the last page: a sync client stores it and comes back later
to receive exactly the claims changed since (combine with `updated_since` for the first
run). The `ordering` parameter is ignored in cursor mode.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections import OrderedDict
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import IntegerField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
COUNT_CAP = 10_000
# An estimated count is reported only above this many: below it an exact count is cheap (few
# matches to read) and an estimate, off by a factor of two or three, would look odd.
ESTIMATE_ABOVE = 1_000


def _positive_int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ValidationError({name: [_("Enter a whole number of at least 1.")]})
    return value


def _column(row: Any, name: str) -> Any:
    """A column of a page's row: a model instance, or a `values()` dict (claims/api/rows.py)."""
    return row[name] if isinstance(row, dict) else getattr(row, name)


def _page_queryset(queryset: QuerySet, view: Any) -> QuerySet:
    """The view's `page_queryset(queryset)` if it has one: it loads what a page shows (related
    rows, or column values: claims/api/rows.py) after the count has been taken from the bare
    queryset, whose subquery then carries none of the page's joins."""
    loader = getattr(view, "page_queryset", None)
    return loader(queryset) if loader is not None else queryset


def planner_rows(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows `queryset` matches (one EXPLAIN, nothing read), or
    None on other databases. Good for common words (the column's statistics list their
    frequencies), rough for combinations (taken as independent)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.get_compiler(using=queryset.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):  # psycopg returns json as text unless a loader parses it
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def encode_cursor(updated_at: dt.datetime, pk: int) -> str:
    raw = f"{updated_at.astimezone(dt.UTC).isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        stamp, pk = raw.split("|")
        when = dt.datetime.fromisoformat(stamp)
        # Cursors are written in UTC (encode_cursor); any other offset was not written by us,
        # and one past ±15:59 would reach PostgreSQL as a 500 ("time zone displacement out of range").
        if when.utcoffset() != dt.timedelta(0) or not 0 <= int(pk) < 2**63:
            raise ValueError
        return when, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationError({"cursor": [_("This cursor is not valid; start again without one.")]}) from None


class PagePagination(BasePagination):
    """`?page=` and `?page_size=`; the count is exact up to COUNT_CAP, then `count_capped` is true."""

    def paginate_queryset(self, queryset: QuerySet, request: Request, view: Any = None) -> list[Any]:
        self.request = request
        self.mode = "page"
        self.page_size = min(_positive_int(request, "page_size", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
        try:
            self.page = _positive_int(request, "page", 1)
        except ValidationError:
            raise NotFound(_("Invalid page.")) from None
        offset = (self.page - 1) * self.page_size
        if offset >= COUNT_CAP:
            # An OFFSET walks every row it skips: at a million claims a page near the end
            # cost 95 times page 1. Deep reads are what cursor mode is for (flat at any depth).
            raise ValidationError(
                {
                    "page": [
                        _(
                            "Page numbers reach only the first %(cap)d results. Narrow the filters, "
                            "or read further in cursor mode (pagination=cursor)."
                        )
                        % {"cap": COUNT_CAP}
                    ]
                }
            )
        self.estimated = False
        capped = queryset.order_by().values("pk")[: COUNT_CAP + 1]
        try:
            sql, params = capped.query.get_compiler(using=queryset.db).as_sql()
        except EmptyResultSet:  # a filter that can match nothing, e.g. queryset.none()
            self.total, self.capped, self.has_next = 0, False, False
            if self.page > 1:
                raise NotFound(_("Invalid page.")) from None
            return []
        estimate = planner_rows(queryset) if getattr(view, "count_by_estimate", lambda: False)() else None
        if estimate is not None and estimate > ESTIMATE_ABOVE:
            return self._page_with_estimate(queryset, view, offset, estimate)
        # The ORM compiled the inner query and its values stay bound parameters.
        count_sql = f"SELECT COUNT(*) FROM ({sql}) capped_count"  # noqa: S608
        total = RawSQL(count_sql, params, output_field=IntegerField())  # noqa: S611
        page = _page_queryset(queryset, view).annotate(api_total_capped=total)
        rows = list(page[offset : offset + self.page_size])
        if rows:
            self.total = _column(rows[0], "api_total_capped")
        elif self.page > 1:
            raise NotFound(_("Invalid page."))
        else:
            self.total = 0
        self.capped = self.total > COUNT_CAP
        self.has_next = len(rows) == self.page_size if self.capped else offset + len(rows) < self.total
        self.has_next = self.has_next and offset + self.page_size < COUNT_CAP  # the next one would be refused
        return rows

    def _page_with_estimate(self, queryset: QuerySet, view: Any, offset: int, estimate: int) -> list[Any]:
        rows = list(_page_queryset(queryset, view)[offset : offset + self.page_size])
        if not rows and self.page > 1:
            raise NotFound(_("Invalid page."))
        self.estimated, self.total, self.capped = True, estimate, estimate > COUNT_CAP
        # Whether a next page exists is known only from this one: a full page may be the last.
        self.has_next = len(rows) == self.page_size and offset + self.page_size < COUNT_CAP
        return rows

    def get_paginated_response(self, data: Any) -> Response:
        url = self.request.build_absolute_uri()
        next_url = replace_query_param(url, "page", self.page + 1) if self.has_next else None
        previous_url = None
        if self.page > 1:
            previous_url = (
                remove_query_param(url, "page") if self.page == 2 else replace_query_param(url, "page", self.page - 1)
            )
        return Response(
            OrderedDict(
                [
                    ("count", min(self.total, COUNT_CAP)),
                    ("count_capped", self.capped),
                    ("count_estimated", self.estimated),
                    ("next", next_url),
                    ("previous", previous_url),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": f"Matching items, counted up to {COUNT_CAP} (page mode only).",
                },
                "count_capped": {"type": "boolean", "description": "True when there are more than `count`."},
                "count_estimated": {
                    "type": "boolean",
                    "description": f"True when `count` is PostgreSQL's estimate, not a count: for a full-text "
                    f"search (`q`) that matches more than {ESTIMATE_ABOVE} items.",
                },
                "next": {"type": "string", "format": "uri", "nullable": True},
                "previous": {"type": "string", "format": "uri", "nullable": True},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:
        return [
            _param("page", "integer", f"Page number, from 1 (page mode), within the first {COUNT_CAP} results."),
            _param("page_size", "integer", f"Items per page, 1–{MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE})."),
        ]


class ClaimPagination(PagePagination):
    """Page mode, or keyset cursor mode when `cursor` (even empty) or `pagination=cursor` is given."""

    def paginate_queryset(self, queryset: QuerySet, request: Request, view: Any = None) -> list[Any]:
        if "cursor" not in request.query_params and request.query_params.get("pagination") != "cursor":
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        self.mode = "cursor"
        self.page_size = min(_positive_int(request, "page_size", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
        token = request.query_params.get("cursor") or ""
        self.position = decode_cursor(token) if token else None
        queryset = queryset.order_by("updated_at", "id")
        if self.position:
            when, pk = self.position
            # The leading `updated_at >= when` is what the (updated_at, id) index can start
            # from; the OR alone is only a filter, and PostgreSQL walked every row before the
            # cursor to apply it (3 s three quarters into a million claims: bench/ case 10).
            queryset = queryset.filter(Q(updated_at__gte=when), Q(updated_at__gt=when) | Q(id__gt=pk))
        rows = list(_page_queryset(queryset, view)[: self.page_size + 1])
        self.has_next = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if rows:
            self.next_cursor: str | None = encode_cursor(_column(rows[-1], "updated_at"), _column(rows[-1], "id"))
        else:
            self.next_cursor = token or None
        return rows

    def get_paginated_response(self, data: Any) -> Response:
        if self.mode == "page":
            return super().get_paginated_response(data)
        url = remove_query_param(self.request.build_absolute_uri(), "pagination")
        next_url = replace_query_param(url, "cursor", self.next_cursor) if self.has_next else None
        return Response(OrderedDict([("next", next_url), ("next_cursor", self.next_cursor), ("results", data)]))

    def get_paginated_response_schema(self, schema: dict) -> dict:
        result = super().get_paginated_response_schema(schema)
        result["properties"]["next_cursor"] = {
            "type": "string",
            "nullable": True,
            "description": "Cursor mode: where to resume. Store it to fetch only later changes next time.",
        }
        return result

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:
        return [
            *super().get_schema_operation_parameters(view),
            _param(
                "cursor",
                "string",
                "Keyset cursor over (updated_at, id), oldest change first; send it empty to start. "
                "Switches to cursor mode, which has no count and ignores `ordering`.",
                pattern="^[A-Za-z0-9_-]*$",
            ),
            _param("pagination", "string", "`cursor` starts cursor mode without a cursor.", enum=["page", "cursor"]),
        ]


def _param(name: str, kind: str, description: str, **extra: Any) -> dict:
    schema: dict[str, Any] = {"type": kind}
    if kind == "integer":
        schema["minimum"] = 1
    for key in ("enum", "pattern"):
        if key in extra:
            schema[key] = extra[key]
    return {"name": name, "required": False, "in": "query", "description": description, "schema": schema}
