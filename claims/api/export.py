"""Streaming bulk export of claims as NDJSON or CSV.

The rows come from `QuerySet.iterator(chunk_size=…)`, so memory holds one chunk (with its
prefetched tags and appearances) at a time however many claims the filters select.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.utils.encoders import JSONEncoder

from claims.api import fast
from claims.api.serializers import ClaimSerializer
from claims.models import Claim

CHUNK_SIZE = 500
CONTENT_TYPES = {"ndjson": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}
CSV_COLUMNS = [
    "id",
    "url",
    "status",
    "language",
    "text",
    "claim_reviewed",
    "claimant",
    "claim_date",
    "location",
    "rating",
    "tags",
    "appearances",
    "first_appearance",
    "created_at",
    "updated_at",
    "published_at",
    "version",
]
# A spreadsheet would run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportNegotiation(DefaultContentNegotiation):
    """`?format=` names the export's format here; it must not pick (or reject) a DRF renderer."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderers = list(renderers)
        return renderers[0], renderers[0].media_type


class _Echo:
    """A file-like object whose write() hands back the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_row(item: dict[str, Any]) -> list[str]:
    appearances = item["appearances"]
    first = next((a for a in appearances if a["is_first_appearance"]), None)
    values = {
        **item,
        "claimant": item["claimant"]["name"] if item["claimant"] else "",
        "rating": item["rating"]["slug"] if item["rating"] else "",
        "tags": "; ".join(t["name"] for t in item["tags"]),
        "appearances": " ".join(a["source"]["url"] for a in appearances),
        "first_appearance": first["source"]["url"] if first else "",
    }
    return [_cell(values[column]) for column in CSV_COLUMNS]


def _items(queryset: QuerySet[Claim], context: dict[str, Any]) -> Iterator[dict[str, Any]]:
    # One plan for the whole export, compiled unless switched off (see claims/api/fast.py).
    represent = fast.representer(ClaimSerializer(context=context))
    for claim in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield represent(claim)


def ndjson_lines(items: Iterable[dict[str, Any]]) -> Iterator[str]:
    for item in items:
        yield json.dumps(item, cls=JSONEncoder, ensure_ascii=False) + "\n"


def csv_lines(items: Iterable[dict[str, Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for item in items:
        yield writer.writerow(_csv_row(item))


def export_response(request: Request, queryset: QuerySet[Claim], *, context: dict[str, Any]) -> StreamingHttpResponse:
    fmt = request.query_params.get("format", "ndjson")
    if fmt not in CONTENT_TYPES:
        raise ValidationError({"format": [_("Choose “ndjson” or “csv”.")]})
    items = _items(queryset, context)
    lines = ndjson_lines(items) if fmt == "ndjson" else csv_lines(items)
    response = StreamingHttpResponse(lines, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="claims.{fmt}"'
    return response
